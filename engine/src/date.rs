//! Time as text: civil dates from Unix seconds and back, `strftime`
//! formats, and the `date` utility (BusyBox's and GNU coreutils').
//!
//! The clock is UTC, as in a container without a `TZ`. A shell's `now` is
//! the host's clock when a container runs it, and 0 (1970) in a build step,
//! whose layers keep `SOURCE_DATE_EPOCH=0` so that digests do not change.

const MONTHS: [&str; 12] = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
const DAYS: [&str; 7] = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

/// Seconds since the epoch as (year, month, day, seconds into the day,
/// weekday with Sunday 0): civil from days, Howard Hinnant's algorithm.
pub fn civil(t: i64) -> (i64, i64, i64, i64, usize) {
    let (days, secs) = (t.div_euclid(86_400), t.rem_euclid(86_400));
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    // 1970-01-01 was a Thursday.
    (y, m, d, secs, (days + 4).rem_euclid(7) as usize) // in 0..7
}

/// Days since the epoch of a civil date (Howard Hinnant's algorithm).
pub fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468
}

/// Seconds since the epoch as `2026-11-24T09:03:06Z`.
pub fn rfc3339(t: i64) -> String {
    strftime(t, "%Y-%m-%dT%H:%M:%SZ")
}

/// Seconds since the epoch for an RFC 3339 UTC time (`2023-03-29T18:19:24Z`,
/// fractions ignored).
pub fn parse_time(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| s.get(r)?.parse::<i64>().ok();
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hh, mm, ss) = (num(11..13)?, num(14..16)?, num(17..19)?);
    Some(days_from_civil(y, m, d) * 86_400 + hh * 3600 + mm * 60 + ss)
}

/// C's `strftime` in the C locale and UTC, with GNU's padding flags
/// (`%-d` none, `%_d` spaces, `%0e` zeros, `%^a` upper case). A conversion
/// it does not know is printed as written, as GNU date does.
pub fn strftime(t: i64, format: &str) -> String {
    let (y, m, d, secs, wd) = civil(t);
    let (hour, min, sec) = (secs / 3600, secs / 60 % 60, secs % 60);
    let month = MONTHS[(m - 1).clamp(0, 11) as usize]; // in 1..=12
    let day = DAYS[wd % 7];
    let mut out = String::new();
    let mut chars = format.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let flag = chars.next_if(|f| matches!(f, '-' | '_' | '0' | '^'));
        let colon = chars.next_if_eq(&':').is_some();
        let Some(conv) = chars.next() else {
            out.push('%');
            break;
        };
        // A number with its default padding ('0' or ' ') and width, unless a flag says otherwise.
        let num = |n: i64, pad: char, width: usize| match flag.unwrap_or(pad) {
            '-' => n.to_string(),
            '_' | ' ' => format!("{n:>width$}"),
            _ => format!("{n:0width$}"),
        };
        let text = match conv {
            'a' => day[..3].to_string(),
            'A' => day.to_string(),
            'b' | 'h' => month[..3].to_string(),
            'B' => month.to_string(),
            'c' => strftime(t, "%a %b %e %H:%M:%S %Y"),
            'C' => num(y / 100, '0', 2),
            'd' => num(d, '0', 2),
            'D' | 'x' => strftime(t, "%m/%d/%y"),
            'e' => num(d, ' ', 2),
            'F' => strftime(t, "%Y-%m-%d"),
            'H' => num(hour, '0', 2),
            'I' => num((hour + 11) % 12 + 1, '0', 2),
            'j' => num(days_from_civil(y, m, d) - days_from_civil(y, 1, 1) + 1, '0', 3),
            'k' => num(hour, ' ', 2),
            'l' => num((hour + 11) % 12 + 1, ' ', 2),
            'm' => num(m, '0', 2),
            'M' => num(min, '0', 2),
            'n' => "\n".to_string(),
            'N' => "000000000".to_string(),
            'p' => (if hour < 12 { "AM" } else { "PM" }).to_string(),
            'P' => (if hour < 12 { "am" } else { "pm" }).to_string(),
            'r' => strftime(t, "%I:%M:%S %p"),
            'R' => strftime(t, "%H:%M"),
            's' => t.to_string(),
            'S' => num(sec, '0', 2),
            't' => "\t".to_string(),
            'T' | 'X' => strftime(t, "%H:%M:%S"),
            'u' => num((wd as i64 + 6) % 7 + 1, '0', 1),
            'w' => num(wd as i64, '0', 1),
            'y' => num(y % 100, '0', 2),
            'Y' => num(y, '0', 1),
            'z' if colon => "+00:00".to_string(),
            'z' => "+0000".to_string(),
            'Z' => "UTC".to_string(),
            '%' => "%".to_string(),
            other => format!("%{}{}{other}", flag.map(String::from).unwrap_or_default(), if colon { ":" } else { "" }),
        };
        out.push_str(&if flag == Some('^') { text.to_uppercase() } else { text });
    }
    out
}

/// The time `-d STRING` describes: `@SECONDS`, `now`, or an ISO date with an
/// optional time (`2026-11-24`, `2026-11-24 18:04[:05]`, `…T…Z`).
fn parse_date(s: &str, now: i64) -> Option<i64> {
    let s = s.trim();
    if let Some(secs) = s.strip_prefix('@') {
        return secs.parse().ok();
    }
    if s == "now" || s.is_empty() {
        return Some(now);
    }
    let s = s.strip_suffix('Z').or_else(|| s.strip_suffix(" UTC")).unwrap_or(s);
    let (date, time) = s.split_once(['T', ' ']).unwrap_or((s, "00:00"));
    let num = |p: Option<&str>, max: i64| p.and_then(|v| v.parse::<i64>().ok()).filter(|n| (0..=max).contains(n));
    let mut ymd = date.split('-');
    let (y, m, d) = (num(ymd.next(), 9999)?, num(ymd.next(), 12)?, num(ymd.next(), 31)?);
    let mut hms = time.split(':');
    let (hh, mm) = (num(hms.next(), 23)?, num(hms.next(), 59)?);
    let ss = match hms.next() {
        Some(v) => num(Some(v), 60)?,
        None => 0,
    };
    if ymd.next().is_some() || hms.next().is_some() || m == 0 || d == 0 {
        return None;
    }
    Some(days_from_civil(y, m, d) * 86_400 + hh * 3600 + mm * 60 + ss)
}

/// The operand that sets the clock: `MMDDhhmm[[CC]YY][.ss]`, in the year of `now` when it has none.
fn digits_date(s: &str, now: i64) -> Option<i64> {
    let (main, ss) = s.split_once('.').unwrap_or((s, "0"));
    if !main.bytes().all(|b| b.is_ascii_digit()) || ![8, 10, 12].contains(&main.len()) {
        return None;
    }
    let n = |r: std::ops::Range<usize>| main[r].parse::<i64>().unwrap_or(0);
    let y = match main.len() {
        12 => n(8..12),
        10 => 2000 + n(8..10),
        _ => civil(now).0,
    };
    parse_date(&format!("{y}-{}-{} {}:{}:{ss}", n(0..2), n(2..4), n(4..6), n(6..8)), now)
}

/// `date ARGS` at time `now`: (status, stdout, stderr). `busybox` picks
/// BusyBox's words and ISO formats over GNU coreutils'.
pub fn command(args: &[&str], now: i64, busybox: bool) -> (i32, String, String) {
    let usage = |e: String| {
        let help = if busybox { "BusyBox v1.37.0 multi-call binary.\n\nUsage: date [OPTIONS] [+FMT] [[-s] TIME]\n".to_string() } else { "Try 'date --help' for more information.\n".to_string() };
        (1, String::new(), format!("date: {e}\n{help}"))
    };
    let (mut format, mut when, mut set, mut utc) = (None::<String>, None::<&str>, None::<&str>, false);
    let mut it = args.iter().copied();
    while let Some(a) = it.next() {
        match a {
            "-u" | "--utc" | "--universal" => utc = true,
            "-R" | "--rfc-2822" | "--rfc-email" => format = Some("%a, %d %b %Y %H:%M:%S %z".into()),
            "-d" | "--date" | "-s" | "--set" => match it.next() {
                Some(v) if a.contains('d') => when = Some(v),
                Some(v) => set = Some(v),
                None if busybox => return usage(format!("option requires an argument: {}", &a[1..])),
                None => return usage(format!("option requires an argument -- '{}'", &a[1..])),
            },
            _ if a.starts_with("--date=") => when = a.get(7..),
            _ if a.starts_with("-I") || a.starts_with("--iso-8601") => {
                let spec = a.trim_start_matches("-I").trim_start_matches("--iso-8601").trim_start_matches('=');
                let zone = if !busybox { "%:z" } else if utc { "%Z" } else { "%z" };
                format = Some(match spec {
                    "" | "date" => "%Y-%m-%d".to_string(),
                    "hours" => format!("%Y-%m-%dT%H{zone}"),
                    "minutes" => format!("%Y-%m-%dT%H:%M{zone}"),
                    "seconds" => format!("%Y-%m-%dT%H:%M:%S{zone}"),
                    _ if busybox => return usage(format!("invalid argument '{spec}' for -I")),
                    _ => return usage(format!("invalid argument '{spec}' for '--iso-8601'")),
                });
            }
            _ if a.starts_with('+') => format = Some(a[1..].to_string()),
            _ if a.starts_with('-') && a.len() > 1 => {
                let bad = a.trim_start_matches('-');
                return usage(if busybox { format!("unrecognized option: {bad}") } else if a.starts_with("--") { format!("unrecognized option '{a}'") } else { format!("invalid option -- '{}'", &bad[..bad.chars().next().map_or(0, char::len_utf8)]) });
            }
            // An operand that is not a format sets the clock (MMDDhhmm[[CC]YY][.ss]).
            _ => set = Some(a),
        }
    }
    // The time shown: -d's, or the one the clock would be set to.
    let t = match when.or(set).map(|w| (w, parse_date(w, now).or_else(|| digits_date(w, now)))) {
        Some((_, Some(t))) => t,
        Some((w, None)) => return (1, String::new(), format!("date: invalid date '{w}'\n")),
        None => now,
    };
    let text = format!("{}\n", strftime(t, format.as_deref().unwrap_or("%a %b %e %H:%M:%S %Z %Y")));
    match set {
        // A container has no CAP_SYS_TIME. BusyBox says so and goes on; GNU fails.
        Some(_) if busybox => (0, text, "date: can't set date: Operation not permitted\n".to_string()),
        Some(_) => (1, text, "date: cannot set date: Operation not permitted\n".to_string()),
        None => (0, text, String::new()),
    }
}
