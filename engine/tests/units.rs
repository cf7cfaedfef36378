//! Sizes and fractions formatted without the standard library's float
//! formatting: the same text as Go's `%.Ng` (go-units) and Rust's `{:.N}`.

use layerlab_engine::units::{fixed, human_duration, human_size, human_size_precision};
use proptest::prelude::*;

/// go-units' HumanSizeWithPrecision as the engine printed it before, through
/// Rust's own float formatting: the reference the integer version must equal.
fn reference(bytes: u64, precision: usize) -> String {
    const UNITS: [&str; 9] = ["B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"];
    let mut size = bytes as f64;
    let mut i = 0;
    while size >= 1000.0 && i + 1 < UNITS.len() {
        size /= 1000.0;
        i += 1;
    }
    let trim = |s: &str| if s.contains('.') { s.trim_end_matches('0').trim_end_matches('.').to_string() } else { s.to_string() };
    let g = if size == 0.0 {
        "0".to_string()
    } else {
        let sci = format!("{:.*e}", precision - 1, size);
        let (mantissa, exp) = sci.split_once('e').unwrap();
        let exp: i32 = exp.parse().unwrap();
        if exp < -4 || exp >= precision as i32 {
            format!("{}e{}{:02}", trim(mantissa), if exp < 0 { '-' } else { '+' }, exp.abs())
        } else {
            let decimals = (precision as i32 - 1 - exp).max(0) as usize;
            trim(&format!("{size:.decimals$}"))
        }
    };
    format!("{g}{}", UNITS[i])
}

#[test]
fn go_units_examples() {
    assert_eq!(human_size(0), "0B");
    assert_eq!(human_size(12), "12B");
    assert_eq!(human_size(2048), "2.048kB");
    assert_eq!(human_size_precision(7_800_000, 3), "7.8MB");
    assert_eq!(human_size_precision(7_812_345, 3), "7.81MB");
    // Rounding carries into a fourth digit: Go's %.4g prints 1000, %.3g 1e+03.
    assert_eq!(human_size(999_960), "1000kB");
    assert_eq!(human_size_precision(999_960, 3), "1e+03kB");
    // 12.125 is exact in binary: a true tie, rounded to even as Go's strconv does.
    assert_eq!(human_size(12_125), "12.12kB");
    assert_eq!(human_size(12_135), "12.13kB");
    assert_eq!(human_size(u64::MAX), "18.45EB");
}

#[test]
fn fixed_examples() {
    assert_eq!(fixed(97.25, 1), "97.2");
    assert_eq!(fixed(97.35, 1), "97.3"); // 97.35 is 97.34999… in binary
    assert_eq!(fixed(100.0, 1), "100.0");
    assert_eq!(fixed(0.0, 1), "0.0");
    assert_eq!(fixed(0.04, 1), "0.0");
    assert_eq!(fixed(0.05, 1), "0.1");
    assert_eq!(fixed(18.0 * 9999.0, 2), "179982.00");
    assert_eq!(fixed(2.5, 0), "2");
    assert_eq!(fixed(f64::NAN, 2), "0.00");
    assert!(!fixed(1e300, 2).is_empty());
    assert_eq!(fixed(1e-300, 3), "0.000");
}

proptest! {
    #[test]
    fn human_sizes_equal_the_float_formatting(bytes in any::<u64>(), precision in 1usize..8) {
        prop_assert_eq!(human_size_precision(bytes, precision), reference(bytes, precision));
    }

    #[test]
    fn small_sizes_equal_the_float_formatting(bytes in 0u64..5_000_000, precision in 3usize..5) {
        prop_assert_eq!(human_size_precision(bytes, precision), reference(bytes, precision));
    }

    #[test]
    fn fixed_equals_the_float_formatting(v in 0.0f64..1e9, decimals in 0u32..6) {
        let d = decimals as usize;
        prop_assert_eq!(fixed(v, decimals), format!("{v:.d$}"));
    }

    #[test]
    fn fixed_equals_it_on_halves(n in 0u64..100_000, decimals in 0u32..4) {
        // n/8: exact binary fractions, many of them true ties.
        let v = n as f64 / 8.0;
        let d = decimals as usize;
        prop_assert_eq!(fixed(v, decimals), format!("{v:.d$}"));
    }
}

/// go-units' HumanDuration at each of its boundaries (hours are rounded,
/// as Go's `int(d.Hours() + 0.5)`).
#[test]
fn durations_as_go_units_words_them() {
    let (m, h, d) = (60, 3600, 86_400);
    for (secs, want) in [
        (-5, "Less than a second"),
        (0, "Less than a second"),
        (1, "1 second"),
        (59, "59 seconds"),
        (m, "About a minute"),
        (2 * m - 1, "About a minute"),
        (2 * m, "2 minutes"),
        (h - 1, "59 minutes"),
        (h, "About an hour"),
        (h + 29 * m + 59, "About an hour"),
        (h + 30 * m, "2 hours"),
        (47 * h, "47 hours"),
        (47 * h + 30 * m, "2 days"),
        (14 * d - 31 * m, "13 days"),
        (14 * d - 30 * m, "2 weeks"),
        (14 * d, "2 weeks"),
        (60 * d, "2 months"),
        (729 * d, "24 months"),
        (730 * d, "2 years"),
    ] {
        assert_eq!(human_duration(secs), want, "{secs}");
    }
}
