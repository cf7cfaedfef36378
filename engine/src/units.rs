//! Sizes printed the way Docker's go-units package prints them.

/// `units.HumanSizeWithPrecision`: decimal units (1 kB = 1000 B) and Go's
/// `%.Ng` formatting, so 12 -> "12B", 2048 -> "2.048kB" (precision 4),
/// 7_800_000 -> "7.8MB" (precision 3).
pub fn human_size_precision(bytes: u64, precision: usize) -> String {
    const UNITS: [&str; 9] = ["B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"];
    let mut size = bytes as f64;
    let mut i = 0;
    while size >= 1000.0 && i + 1 < UNITS.len() {
        size /= 1000.0;
        i += 1;
    }
    format!("{}{}", format_g(size, precision), UNITS[i])
}

/// go-units `HumanDuration`: `Less than a second`, `About a minute`,
/// `3 hours` (rounded), `2 weeks`, `5 months`…
pub fn human_duration(secs: i64) -> String {
    // Go's int(d.Hours() + 0.5).
    let hours = (secs + 1800) / 3600;
    match secs {
        ..1 => "Less than a second".to_string(),
        1 => "1 second".to_string(),
        2..60 => format!("{secs} seconds"),
        60..120 => "About a minute".to_string(),
        120..3600 => format!("{} minutes", secs / 60),
        _ if hours == 1 => "About an hour".to_string(),
        _ if hours < 48 => format!("{hours} hours"),
        _ if hours < 24 * 7 * 2 => format!("{} days", hours / 24),
        _ if hours < 24 * 30 * 2 => format!("{} weeks", hours / 24 / 7),
        _ if hours < 24 * 365 * 2 => format!("{} months", hours / 24 / 30),
        _ => format!("{} years", secs / 3600 / 24 / 365),
    }
}

/// `units.HumanSize`: precision 4 (BuildKit's progress, the classic builder's
/// "Sending build context").
pub fn human_size(bytes: u64) -> String {
    human_size_precision(bytes, 4)
}

/// Go's `%.{precision}g` for a value in [1, 1000) (or 0): the only values
/// `human_size_precision` gives it.
fn format_g(v: f64, precision: usize) -> String {
    if v == 0.0 {
        return "0".to_string();
    }
    let p = precision.clamp(1, 17) as i32;
    let (mant, e) = decompose(v);
    // Digits before the point, so exp10 = floor(log10 v) for v >= 1.
    let exp10 = shifted(mant, e).to_string().len() as i32 - 1;
    let mut digits = round_scaled(mant, e, p - 1 - exp10);
    let mut exp10 = exp10;
    if digits == 10u128.pow(p as u32) {
        // Rounding carried into a new digit: 999.96 to 4 digits is 1000.
        digits /= 10;
        exp10 += 1;
    }
    let text = digits.to_string();
    if exp10 < -4 || exp10 >= p {
        let m = trim_zeros(&format!("{}.{}", &text[..1], &text[1..]));
        let sign = if exp10 < 0 { '-' } else { '+' };
        return format!("{m}e{sign}{:02}", exp10.abs());
    }
    trim_zeros(&point(&text, (p - 1 - exp10) as usize))
}

/// A non-negative finite value with `decimals` digits after the point,
/// rounded half to even on its exact binary value: what `format!("{v:.N}")`
/// prints. Layer Lab formats its few fractional numbers with this, not with
/// the standard library's float formatting, which would add its tables to
/// the page's download (9.5 kB gzipped, measured).
pub fn fixed(v: f64, decimals: u32) -> String {
    let decimals = decimals.min(17);
    if !v.is_finite() || v <= 0.0 {
        return point(&"0".repeat(decimals as usize + 1), decimals as usize);
    }
    let (mant, e) = decompose(v);
    let text = round_scaled(mant, e, decimals as i32).to_string();
    let text = if text.len() <= decimals as usize { format!("{}{text}", "0".repeat(decimals as usize + 1 - text.len())) } else { text };
    point(&text, decimals as usize)
}

/// `v` as `mant × 2^e`, exactly (positive, finite, normal values).
fn decompose(v: f64) -> (u128, i32) {
    let bits = v.to_bits();
    let exponent = ((bits >> 52) & 0x7ff) as i32;
    let fraction = u128::from(bits & ((1u64 << 52) - 1));
    if exponent == 0 {
        (fraction, -1074)
    } else {
        (fraction | 1 << 52, exponent - 1075)
    }
}

/// The whole part of `mant × 2^e`, for values below 1000.
fn shifted(mant: u128, e: i32) -> u128 {
    if e >= 0 {
        mant << e.min(64)
    } else {
        mant.checked_shr((-e) as u32).unwrap_or(0)
    }
}

/// `mant × 2^e × 10^d`, rounded to an integer, half to even. Exact for the
/// sizes, percentages and pixel offsets formatted here (values below 2^53,
/// d at most 17); saturating, never panicking, far outside them.
fn round_scaled(mant: u128, e: i32, d: i32) -> u128 {
    let mut num = mant.saturating_mul(10u128.saturating_pow(d.max(0) as u32));
    let mut den = 10u128.saturating_pow((-d).max(0) as u32);
    if e >= 0 {
        num = if num.leading_zeros() as i32 > e { num << e } else { u128::MAX };
    } else if den.leading_zeros() as i32 > 1 - e {
        den <<= -e;
    } else {
        // The denominator would pass 2^126, far above twice the numerator: below one half.
        return 0;
    }
    let (q, r) = (num / den, num % den);
    match r.saturating_mul(2).cmp(&den) {
        std::cmp::Ordering::Greater => q + 1,
        std::cmp::Ordering::Equal => q + (q & 1),
        std::cmp::Ordering::Less => q,
    }
}

/// `digits` with a point before the last `decimals` of them.
fn point(digits: &str, decimals: usize) -> String {
    if decimals == 0 {
        return digits.to_string();
    }
    let (whole, fraction) = digits.split_at(digits.len() - decimals);
    format!("{whole}.{fraction}")
}

fn trim_zeros(s: &str) -> String {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s.to_string()
    }
}
