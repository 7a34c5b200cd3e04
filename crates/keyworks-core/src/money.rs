//! Money, exactly. Amounts are entered and shown in 万元 (ten thousand yuan) with up to four
//! decimals, which is one yuan, and stored as a whole number of yuan: 0.1 + 0.2 万元 is exactly
//! 0.3 万元, and a total is the same to the yuan in the app, the PDF, the sheet and `--json`.
//! No floating point touches an amount; ratios (a completion rate) are computed from amounts
//! and are not amounts.

use rusqlite::types::{FromSql, FromSqlResult, ToSql, ToSqlOutput, ValueRef};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// Yuan in one 万元.
pub const YUAN_PER_WAN: i64 = 10_000;

/// A non-negative amount of money in whole yuan. Serialised as the integer (JSON, the change
/// log, the UI's numbers: every amount up to the input limit, 10^15 yuan, is exact in
/// JavaScript, whose doubles hold integers exactly below 2^53 ≈ 9·10^15).
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(transparent)]
pub struct Yuan(pub i64);

/// The largest amount accepted: 10^11 万元 (1,000 万亿元), far above any project, and below
/// 2^53 yuan, so that the UI's numbers (JavaScript doubles) hold every amount exactly.
const MAX_YUAN: i64 = 100_000_000_000 * YUAN_PER_WAN;

impl Yuan {
    pub const ZERO: Yuan = Yuan(0);

    /// Reads an amount typed in 万元: `1234`, `0.1`, `12,345.6789`. At most four decimals (one
    /// yuan); no sign, no exponent. `field` names the input in the error.
    pub fn parse_wan(field: &str, text: &str) -> Result<Yuan> {
        let bad = |why: &str| Error::invalid(field, text, why);
        let t: String = text
            .trim()
            .trim_end_matches("万元")
            .trim()
            .chars()
            .filter(|c| *c != ',' && *c != '，')
            .collect();
        if t.is_empty() {
            return Err(bad("请填写金额（万元），例如 1200 或 35.5"));
        }
        let (whole, frac) = match t.split_once('.') {
            Some((w, f)) => (w, f),
            None => (t.as_str(), ""),
        };
        let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
        if !digits(whole) || !digits(frac) || (whole.is_empty() && frac.is_empty()) {
            return Err(bad("金额应为不带符号的数字（万元），例如 1200 或 35.5"));
        }
        if frac.len() > 4 {
            return Err(bad("金额最多保留 4 位小数（即精确到 1 元）"));
        }
        let too_big = || bad("金额超出可记录的范围（上限 1000 亿万元）");
        let whole: i64 = if whole.is_empty() {
            0
        } else {
            whole.parse().map_err(|_| too_big())?
        };
        let frac_yuan: i64 = format!("{frac:0<4}").parse().map_err(|_| too_big())?;
        let yuan = whole
            .checked_mul(YUAN_PER_WAN)
            .and_then(|w| w.checked_add(frac_yuan))
            .filter(|y| *y <= MAX_YUAN)
            .ok_or_else(too_big)?;
        Ok(Yuan(yuan))
    }

    /// An amount in 亿元 as an older file stored it (REAL), to the yuan: 1 亿元 = 10^8 yuan.
    /// Used only to carry schema-6 figures over; None for a value no amount can be.
    pub fn from_legacy_yi(yi: f64) -> Option<Yuan> {
        let yuan = (yi * 100_000_000.0).round();
        (yuan.is_finite() && (0.0..=MAX_YUAN as f64).contains(&yuan)).then_some(Yuan(yuan as i64))
    }

    /// In 万元 with exactly `decimals` places (0–4), rounded half away from zero:
    /// `Yuan(123_456).wan(2)` is `12.35`.
    pub fn wan(self, decimals: u32) -> String {
        self.in_units_of(4, decimals)
    }

    /// In 亿元 (10^8 yuan) with `decimals` places (0–8), rounded half away from zero, for
    /// headline figures: `Yuan(12_050_000_000).yi(1)` is `120.5`.
    pub fn yi(self, decimals: u32) -> String {
        self.in_units_of(8, decimals)
    }

    /// In units of 10^`exp` yuan with `decimals` places.
    fn in_units_of(self, exp: u32, decimals: u32) -> String {
        let decimals = decimals.min(exp);
        let step = 10_i64.pow(exp - decimals);
        let units = (self.0 + step / 2) / step; // amounts are never negative
        let scale = 10_i64.pow(decimals);
        if decimals == 0 {
            return group_thousands(units);
        }
        format!(
            "{}.{:0width$}",
            group_thousands(units / scale),
            units % scale,
            width = decimals as usize
        )
    }

    /// In 万元, every yuan kept and no trailing zeros: `12.3`, `0.0001`, `1200`.
    pub fn wan_exact(self) -> String {
        let whole = self.0 / YUAN_PER_WAN;
        let frac = self.0 % YUAN_PER_WAN;
        if frac == 0 {
            whole.to_string()
        } else {
            let f = format!("{frac:04}");
            format!("{whole}.{}", f.trim_end_matches('0'))
        }
    }

    /// The sum, or None past `i64` (cannot happen below the input limit for 9,000 amounts).
    pub fn checked_add(self, other: Yuan) -> Option<Yuan> {
        self.0.checked_add(other.0).map(Yuan)
    }

    /// The exact sum of amounts (saturating: amounts are capped far below where it matters).
    pub fn sum<I: IntoIterator<Item = Yuan>>(amounts: I) -> Yuan {
        Yuan(
            amounts
                .into_iter()
                .fold(0_i64, |acc, y| acc.saturating_add(y.0)),
        )
    }

    /// `self / of` as a fraction (0.25 for a quarter); None when `of` is zero.
    pub fn ratio_of(self, of: Yuan) -> Option<f64> {
        (of.0 > 0).then(|| self.0 as f64 / of.0 as f64)
    }
}

/// 1234567 → 1,234,567.
fn group_thousands(n: i64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

impl std::fmt::Display for Yuan {
    /// In 万元 with two decimals, as reports show money: `1,234.57`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.wan(2))
    }
}

impl ToSql for Yuan {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        self.0.to_sql()
    }
}

impl FromSql for Yuan {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        i64::column_result(value).map(Yuan)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wan(s: &str) -> Yuan {
        Yuan::parse_wan("金额", s).unwrap()
    }

    #[test]
    fn amounts_are_read_to_the_yuan() {
        assert_eq!(wan("1"), Yuan(10_000));
        assert_eq!(wan("0.1"), Yuan(1_000));
        assert_eq!(wan("0.0001"), Yuan(1));
        assert_eq!(wan(".5"), Yuan(5_000));
        assert_eq!(wan("12,345.6789"), Yuan(123_456_789));
        assert_eq!(wan(" 35.5 万元 "), Yuan(355_000));
        assert_eq!(wan("0.1").checked_add(wan("0.2")), Some(wan("0.3")));
    }

    #[test]
    fn bad_amounts_say_what_is_wrong() {
        for (text, says) in [
            ("", "请填写金额"),
            ("-3", "不带符号"),
            ("1e5", "不带符号"),
            ("1.2.3", "不带符号"),
            (".", "不带符号"),
            ("0.00001", "4 位小数"),
            ("99999999999999999", "超出"),
        ] {
            let e = Yuan::parse_wan("年度计划投资", text)
                .unwrap_err()
                .to_string();
            assert!(e.contains(says), "{text:?}: {e}");
            assert!(e.contains("年度计划投资"), "{text:?}: {e}");
        }
    }

    #[test]
    fn amounts_are_shown_in_wan() {
        assert_eq!(Yuan(123_456).wan(2), "12.35");
        assert_eq!(Yuan(123_449).wan(2), "12.34");
        assert_eq!(Yuan(12_345_678_900).wan(2), "1,234,567.89");
        assert_eq!(Yuan(5_000).wan(0), "1");
        assert_eq!(Yuan(1).wan(4), "0.0001");
        assert_eq!(Yuan(1_000).wan_exact(), "0.1");
        assert_eq!(Yuan(12_000_000).wan_exact(), "1200");
        assert_eq!(Yuan(1).wan_exact(), "0.0001");
        assert_eq!(Yuan(0).to_string(), "0.00");
        assert_eq!(Yuan(12_050_000_000).yi(1), "120.5");
        assert_eq!(Yuan(12_345_000_000).yi(1), "123.5");
        assert_eq!(Yuan(12_345_000_000).yi(0), "123");
    }

    #[test]
    fn legacy_yi_yuan_figures_keep_every_yuan() {
        assert_eq!(Yuan::from_legacy_yi(120.5), Some(Yuan(12_050_000_000)));
        assert_eq!(Yuan::from_legacy_yi(0.1), Some(Yuan(10_000_000)));
        assert_eq!(Yuan::from_legacy_yi(30.25), Some(Yuan(3_025_000_000)));
        assert_eq!(Yuan::from_legacy_yi(0.00000001), Some(Yuan(1)));
        assert_eq!(Yuan::from_legacy_yi(f64::NAN), None);
        assert_eq!(Yuan::from_legacy_yi(-1.0), None);
    }
}
