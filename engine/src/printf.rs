//! The `printf` utility (POSIX, as BusyBox and dash implement it) and the
//! backslash escapes `printf`'s format, `%b` and `echo -e` understand.

/// What `printf` could not take; the shell words it as its printf does.
#[derive(Debug, PartialEq, Eq)]
pub enum Problem {
    /// An argument a numeric conversion could not read (0 or its leading digits used).
    Number(String),
    /// A conversion character printf does not have; printing stops there.
    Format(char),
}

/// Backslash escapes: `\\ \a \b \e \f \n \r \t \v \" \'`, `\xHH`, octal
/// (`\NNN` in a format, `\0NNN` in `%b` and echo, where `octal0` is true).
/// Returns the text and whether `\c` ended it (the rest is not printed).
pub fn escapes(s: &str, octal0: bool) -> (String, bool) {
    // Bytes: `\xc3\xa9` is one character, é, as the terminal shows it.
    let mut out: Vec<u8> = Vec::new();
    let mut chars = s.chars().peekable();
    let text = |out: Vec<u8>| String::from_utf8_lossy(&out).into_owned();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.extend(c.encode_utf8(&mut [0; 4]).bytes());
            continue;
        }
        let Some(e) = chars.next() else {
            out.push(b'\\');
            break;
        };
        let digits = |chars: &mut std::iter::Peekable<std::str::Chars<'_>>, radix: u32, max: usize| {
            let mut n = 0u32;
            let mut count = 0;
            while count < max {
                let Some(d) = chars.peek().and_then(|c| c.to_digit(radix)) else { break };
                n = n * radix + d;
                chars.next();
                count += 1;
            }
            (n, count)
        };
        match e {
            'a' => out.push(7),
            'b' => out.push(8),
            'e' => out.push(0x1b),
            'f' => out.push(0xc),
            'n' => out.push(b'\n'),
            'r' => out.push(b'\r'),
            't' => out.push(b'\t'),
            'v' => out.push(0xb),
            '\\' | '"' | '\'' => out.push(e as u8), // ASCII
            'c' => return (text(out), true),
            'x' => match digits(&mut chars, 16, 2) {
                (_, 0) => out.extend_from_slice(b"\\x"),
                (n, _) => out.push(n as u8), // at most 0xff
            },
            '0' if octal0 => out.push(digits(&mut chars, 8, 3).0 as u8), // wraps above 0o377, as a byte does
            '0'..='7' if !octal0 => {
                let first = e.to_digit(8).unwrap_or(0); // ok: e is an octal digit
                let (rest, count) = digits(&mut chars, 8, 2);
                out.push((first * 8u32.pow(count as u32) + rest) as u8);
            }
            other => {
                out.push(b'\\');
                out.extend(other.encode_utf8(&mut [0; 4]).bytes());
            }
        }
    }
    (text(out), false)
}

/// An integer argument as printf reads it: decimal, `0x` hex, `0` octal, a
/// sign, or `'c` (the character's code). Err carries the value of its
/// leading digits, as C's strtol leaves it.
fn integer(arg: &str) -> Result<i128, i128> {
    let a = arg.trim_start();
    if let Some(c) = a.strip_prefix(['\'', '"']) {
        return Ok(c.chars().next().map_or(0, |c| i128::from(u32::from(c))));
    }
    let (negative, digits) = match a.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, a.strip_prefix('+').unwrap_or(a)),
    };
    let (radix, digits) = if let Some(h) = digits.strip_prefix("0x").or_else(|| digits.strip_prefix("0X")) {
        (16, h)
    } else if digits.len() > 1 && digits.starts_with('0') {
        (8, &digits[1..])
    } else {
        (10, digits)
    };
    let end = digits.find(|c: char| !c.is_digit(radix)).unwrap_or(digits.len());
    let value = i128::from_str_radix(&digits[..end], radix).unwrap_or(0);
    let value = if negative { -value } else { value };
    if end == digits.len() && end > 0 {
        Ok(value)
    } else {
        Err(value)
    }
}

/// `v` in C's `%e` form with `precision` digits after the point: `3.14e+00`.
fn exponent_form(v: f64, precision: usize, upper: bool) -> String {
    let s = format!("{v:.precision$e}");
    let (mantissa, exp) = s.split_once('e').unwrap_or((&s, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let e = if upper { 'E' } else { 'e' };
    format!("{mantissa}{e}{}{:02}", if exp < 0 { '-' } else { '+' }, exp.abs())
}

/// `%g`: `%e` when the exponent is below -4 or at least the precision, `%f`
/// otherwise; trailing zeros dropped unless `#`.
fn general_form(v: f64, precision: usize, alternate: bool, upper: bool) -> String {
    let p = precision.max(1);
    let exp = exponent_form(v, p - 1, false).rsplit_once('e').and_then(|(_, x)| x.parse::<i64>().ok()).unwrap_or(0);
    let mut s = if exp < -4 || exp >= p as i64 { exponent_form(v, p - 1, upper) } else { format!("{v:.*}", (p as i64 - 1 - exp).max(0) as usize) };
    if alternate && !s.contains('.') {
        // `#` keeps the point.
        let at = s.find(['e', 'E']).unwrap_or(s.len());
        s.insert(at, '.');
    }
    if !alternate {
        let (number, tail) = match s.find(['e', 'E']) {
            Some(i) => (s[..i].to_string(), s[i..].to_string()),
            None => (s.clone(), String::new()),
        };
        let number = if number.contains('.') { number.trim_end_matches('0').trim_end_matches('.').to_string() } else { number };
        s = number + &tail;
    }
    s
}

/// A `*` width or precision: the next argument as a number (0 when none).
fn star(arg: Option<&str>) -> i128 {
    arg.map_or(0, |a| integer(a).unwrap_or_else(|v| v))
}

/// A width or precision written in the format.
fn digits(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) -> Option<i128> {
    let mut n: Option<i128> = None;
    while let Some(d) = chars.next_if(char::is_ascii_digit) {
        n = Some(n.unwrap_or(0).saturating_mul(10).saturating_add(i128::from(d.to_digit(10).unwrap_or(0))));
    }
    n
}

/// One conversion's flags, width and precision.
#[derive(Default)]
struct Spec {
    left: bool,
    zero: bool,
    plus: bool,
    space: bool,
    alternate: bool,
    width: usize,
    precision: Option<usize>,
}

impl Spec {
    /// `body` (digits, no sign) with its sign and prefix, padded to the width.
    fn pad(&self, sign: &str, prefix: &str, body: &str, numeric: bool) -> String {
        let len = sign.len() + prefix.len() + body.chars().count();
        let fill = self.width.saturating_sub(len);
        if self.left {
            format!("{sign}{prefix}{body}{}", " ".repeat(fill))
        } else if self.zero && numeric {
            format!("{sign}{prefix}{}{body}", "0".repeat(fill))
        } else {
            format!("{}{sign}{prefix}{body}", " ".repeat(fill))
        }
    }

    fn sign(&self, negative: bool) -> &'static str {
        match (negative, self.plus, self.space) {
            (true, _, _) => "-",
            (false, true, _) => "+",
            (false, false, true) => " ",
            _ => "",
        }
    }
}

/// `printf FORMAT ARGS…`: the format is used again while arguments remain;
/// a missing argument is empty or 0. Returns what it printed and what it
/// could not take.
pub fn printf(format: &str, args: &[&str]) -> (String, Vec<Problem>) {
    let (format, _) = escapes(format, false);
    let (mut out, mut problems) = (String::new(), Vec::new());
    let mut next = 0;
    loop {
        let start = next;
        let mut chars = format.chars().peekable();
        while let Some(c) = chars.next() {
            if c != '%' {
                out.push(c);
                continue;
            }
            let mut arg = || {
                let a = args.get(next).copied();
                next += usize::from(a.is_some());
                a
            };
            let mut spec = Spec::default();
            while let Some(f) = chars.next_if(|c| "-0+ #".contains(*c)) {
                match f {
                    '-' => spec.left = true,
                    '0' => spec.zero = true,
                    '+' => spec.plus = true,
                    ' ' => spec.space = true,
                    _ => spec.alternate = true,
                }
            }
            let width = if chars.next_if_eq(&'*').is_some() {
                Some(star(arg()))
            } else {
                digits(&mut chars)
            };
            if let Some(w) = width {
                spec.left |= w < 0;
                spec.width = usize::try_from(w.unsigned_abs()).unwrap_or(usize::MAX).min(1 << 16);
            }
            if chars.next_if_eq(&'.').is_some() {
                let p = if chars.next_if_eq(&'*').is_some() { star(arg()) } else { digits(&mut chars).unwrap_or(0) };
                spec.precision = usize::try_from(p).ok().map(|p| p.min(1 << 16));
            }
            // Length modifiers mean nothing to the printf utility.
            while chars.next_if(|c| "hlL".contains(*c)).is_some() {}
            let Some(conv) = chars.next() else {
                out.push('%');
                break;
            };
            match conv {
                '%' => out.push('%'),
                's' | 'b' | 'c' => {
                    let a = arg().unwrap_or_default();
                    let (text, stop) = match conv {
                        'b' => escapes(a, true),
                        'c' => (a.chars().next().map(String::from).unwrap_or_default(), false),
                        _ => (a.to_string(), false),
                    };
                    let text: String = match spec.precision {
                        Some(p) if conv != 'c' => text.chars().take(p).collect(),
                        _ => text,
                    };
                    out.push_str(&spec.pad("", "", &text, false));
                    if stop {
                        return (out, problems);
                    }
                }
                'd' | 'i' | 'u' | 'o' | 'x' | 'X' => {
                    let a = arg();
                    let v = match a.map(integer) {
                        None => 0,
                        Some(Ok(v)) => v,
                        Some(Err(v)) => {
                            problems.push(Problem::Number(a.unwrap_or_default().to_string()));
                            v
                        }
                    };
                    let negative = v < 0 && matches!(conv, 'd' | 'i');
                    // Unsigned conversions of a negative number: its 64-bit two's complement.
                    let magnitude: u128 = if matches!(conv, 'd' | 'i') { v.unsigned_abs() } else { u128::from(v as i64 as u64) };
                    let mut digits = match conv {
                        'o' => format!("{magnitude:o}"),
                        'x' => format!("{magnitude:x}"),
                        'X' => format!("{magnitude:X}"),
                        _ => magnitude.to_string(),
                    };
                    if let Some(p) = spec.precision {
                        digits = if p == 0 && magnitude == 0 { String::new() } else { format!("{digits:0>p$}") };
                        spec.zero = false;
                    }
                    let prefix = match conv {
                        'o' if spec.alternate && !digits.starts_with('0') => "0",
                        'x' if spec.alternate && magnitude != 0 => "0x",
                        'X' if spec.alternate && magnitude != 0 => "0X",
                        _ => "",
                    };
                    let sign = if matches!(conv, 'd' | 'i') { spec.sign(negative) } else { "" };
                    out.push_str(&spec.pad(sign, prefix, &digits, true));
                }
                'f' | 'F' | 'e' | 'E' | 'g' | 'G' => {
                    let a = arg();
                    // strtod: decimal, or hex (`0x1f`) and `'c` as integers.
                    let v = match a.map(|a| a.trim().parse::<f64>().or_else(|_| integer(a).map(|v| v as f64).map_err(|v| v as f64))) {
                        None => 0.0,
                        Some(Ok(v)) => v,
                        Some(Err(v)) => {
                            problems.push(Problem::Number(a.unwrap_or_default().to_string()));
                            v
                        }
                    };
                    let p = spec.precision.unwrap_or(6);
                    let magnitude = v.abs();
                    let body = if !magnitude.is_finite() {
                        spec.zero = false;
                        let word = if magnitude.is_nan() { "nan" } else { "inf" };
                        if conv.is_ascii_uppercase() { word.to_uppercase() } else { word.to_string() }
                    } else {
                        match conv {
                            'f' | 'F' if spec.alternate && p == 0 => format!("{magnitude:.0}."),
                            'f' | 'F' => format!("{magnitude:.p$}"),
                            'e' | 'E' if spec.alternate && p == 0 => exponent_form(magnitude, 0, conv == 'E').replacen(['e', 'E'], if conv == 'E' { ".E" } else { ".e" }, 1),
                            'e' | 'E' => exponent_form(magnitude, p, conv == 'E'),
                            _ => general_form(magnitude, p, spec.alternate, conv == 'G'),
                        }
                    };
                    out.push_str(&spec.pad(spec.sign(v.is_sign_negative() && !v.is_nan()), "", &body, true));
                }
                other => {
                    problems.push(Problem::Format(other));
                    return (out, problems);
                }
            }
        }
        // Again while arguments remain, if this pass took any.
        if next == start || next >= args.len() {
            return (out, problems);
        }
    }
}
