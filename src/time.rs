//! Timestamps: milliseconds since the Unix epoch, and their ISO 8601 (UTC) form.
//!
//! Time is always passed in (the JS layer reads the clock or the `now` option), so the
//! core never reaches for a clock and tests can move time freely.

/// Milliseconds since 1970-01-01T00:00:00Z.
pub type Millis = i64;

/// One day in milliseconds.
pub const DAY_MS: Millis = 86_400_000;

/// The earliest and latest instants accepted (years 1970 through 9999).
pub const MIN_MILLIS: Millis = 0;
/// See [`MIN_MILLIS`].
pub const MAX_MILLIS: Millis = 253_402_300_799_999;

/// Formats `ms` as `YYYY-MM-DDTHH:MM:SS.sssZ`, clamped to the accepted range.
pub fn to_iso(ms: Millis) -> String {
    let ms = ms.clamp(MIN_MILLIS, MAX_MILLIS);
    let days = ms.div_euclid(DAY_MS);
    let in_day = ms.rem_euclid(DAY_MS);
    let (y, m, d) = civil_from_days(days);
    let (h, rest) = (in_day / 3_600_000, in_day % 3_600_000);
    let (min, rest) = (rest / 60_000, rest % 60_000);
    let (s, milli) = (rest / 1000, rest % 1000);
    format!("{y:04}-{m:02}-{d:02}T{h:02}:{min:02}:{s:02}.{milli:03}Z")
}

/// Parses an RFC 3339 date-time: `YYYY-MM-DDTHH:MM:SS[.fraction]` followed by `Z` or an
/// offset `±HH:MM` (`T` may be `t` or a space, `Z` may be `z`, as RFC 3339 allows); `None`
/// for anything else. A leap second (`:60`) reads as the minute's last millisecond, since
/// the clock this crate counts in has none.
pub fn parse_iso(text: &str) -> Option<Millis> {
    let b = text.as_bytes();
    if b.len() < 20 || b.len() > 64 {
        return None;
    }
    let num = |range: std::ops::Range<usize>| -> Option<i64> {
        let part = text.get(range)?;
        if part.bytes().all(|c| c.is_ascii_digit()) {
            part.parse().ok()
        } else {
            None
        }
    };
    if b[4] != b'-'
        || b[7] != b'-'
        || !matches!(b[10], b'T' | b't' | b' ')
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, mi, s) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&mo) || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59 || s > 60 {
        return None;
    }
    // The offset: `Z`, or `±HH:MM` (the six last bytes).
    let (offset_ms, body_end) = match b.last() {
        Some(b'Z' | b'z') => (0, b.len() - 1),
        _ => {
            let at = b.len().checked_sub(6)?;
            let sign = match b[at] {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            if at < 19 || b[at + 3] != b':' {
                return None;
            }
            let (oh, om) = (num(at + 1..at + 3)?, num(at + 4..at + 6)?);
            if oh > 23 || om > 59 {
                return None;
            }
            (sign * (oh * 3_600_000 + om * 60_000), at)
        }
    };
    let mut milli = 0;
    let tail = text.get(19..body_end)?;
    if !tail.is_empty() {
        let frac = tail.strip_prefix('.')?;
        if frac.is_empty() || frac.len() > 19 || !frac.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        let digits: String = frac.chars().chain("000".chars()).take(3).collect();
        milli = digits.parse().ok()?;
    }
    let (s, milli) = if s == 60 { (59, 999) } else { (s, milli) };
    let days = days_from_civil(y, mo, d);
    let ms = days * DAY_MS + h * 3_600_000 + mi * 60_000 + s * 1000 + milli - offset_ms;
    (MIN_MILLIS..=MAX_MILLIS).contains(&ms).then_some(ms)
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

// Howard Hinnant's algorithms: exact proleptic Gregorian conversions without tables.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_known_instants() {
        assert_eq!(to_iso(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(to_iso(951_782_400_123), "2000-02-29T00:00:00.123Z");
        assert_eq!(to_iso(1_790_000_000_000), "2026-09-21T14:13:20.000Z");
    }

    #[test]
    fn parses_what_it_formats_and_rejects_the_rest() {
        for ms in [0, 1, 951_782_400_123, 1_790_000_000_000, MAX_MILLIS] {
            assert_eq!(parse_iso(&to_iso(ms)), Some(ms));
        }
        assert_eq!(parse_iso("2026-09-21T14:13:20Z"), Some(1_790_000_000_000));
        assert_eq!(parse_iso("2026-09-21T14:13:20.5Z"), Some(1_790_000_000_500));
        for bad in [
            "",
            "2026-02-30T00:00:00Z",
            "2026-13-01T00:00:00Z",
            "2026-09-21_14:13:20Z",
            "2026-09-21T14:13:20+2:00",
            "2026-09-21T14:13:20+24:00",
            "2026-09-21T14:13:20+02:60",
            "2026-09-21T14:13:20+0200",
            "2026-09-21T14:13:20",
            "2026-09-21T14:13:61Z",
            "2026-09-21T24:00:00Z",
            "2026-09-21T14:13:20.Z",
            "２026-09-21T14:13:20Z",
        ] {
            assert_eq!(parse_iso(bad), None, "{bad}");
        }
    }

    #[test]
    fn parses_rfc_3339_offsets_and_its_allowed_variants() {
        let utc = 1_790_000_000_000; // 2026-09-21T14:13:20Z
        for same in [
            "2026-09-21T16:13:20+02:00",
            "2026-09-21T09:43:20-04:30",
            "2026-09-21T14:13:20+00:00",
            "2026-09-21T14:13:20-00:00",
            "2026-09-21t14:13:20z",
            "2026-09-21 14:13:20Z",
            "2026-09-21T16:13:20.000+02:00",
        ] {
            assert_eq!(parse_iso(same), Some(utc), "{same}");
        }
        assert_eq!(parse_iso("2026-09-21T16:13:20.25+02:00"), Some(utc + 250));
        // An offset may cross a day (and a year) boundary.
        assert_eq!(
            parse_iso("2027-01-01T00:30:00+01:00"),
            parse_iso("2026-12-31T23:30:00Z")
        );
        // A leap second is the minute's last millisecond.
        assert_eq!(
            parse_iso("2016-12-31T23:59:60Z"),
            Some(parse_iso("2016-12-31T23:59:59.999Z").unwrap())
        );
        // Before the epoch once the offset is applied: out of range.
        assert_eq!(parse_iso("1970-01-01T00:30:00+01:00"), None);
    }
}
