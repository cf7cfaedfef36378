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

/// `units.HumanSize`: precision 4 (BuildKit's progress, the classic builder's
/// "Sending build context").
pub fn human_size(bytes: u64) -> String {
    human_size_precision(bytes, 4)
}

/// Go's `%.{precision}g` for a non-negative value below 1000.
fn format_g(v: f64, precision: usize) -> String {
    if v == 0.0 {
        return "0".to_string();
    }
    let precision = precision.max(1);
    // Exponent after rounding to `precision` significant digits.
    let sci = format!("{:.*e}", precision - 1, v);
    let (mantissa, exp) = sci.split_once('e').unwrap_or((sci.as_str(), "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    if exp < -4 || exp >= precision as i32 {
        let m = trim_zeros(mantissa);
        let sign = if exp < 0 { '-' } else { '+' };
        return format!("{m}e{sign}{:02}", exp.abs());
    }
    let decimals = (precision as i32 - 1 - exp).max(0) as usize;
    trim_zeros(&format!("{v:.decimals$}"))
}

fn trim_zeros(s: &str) -> String {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s.to_string()
    }
}
