//! Reading any interactions file and item features file (CSV or TSV with a header, columns
//! named by flags), and splitting each user's history by time.

use std::collections::HashMap;
use std::fs;

/// Which files and columns to read.
#[derive(Debug, Clone)]
pub struct Source {
    pub interactions: String,
    pub user: String,
    pub item: String,
    pub time: String,
    /// A rating column, and the lowest rating that counts as an interaction.
    pub rating: Option<(String, f64)>,
    /// Item features: file, item column, feature column, separator inside it, name prefix.
    pub features: Option<FeatureSource>,
    /// Field delimiter of both files (`,` or a tab).
    pub delimiter: char,
}

#[derive(Debug, Clone)]
pub struct FeatureSource {
    pub file: String,
    pub item: String,
    pub column: String,
    pub separator: char,
    pub prefix: String,
}

/// Per user: (item index, time in seconds), in time order.
pub type Histories = Vec<Vec<(usize, i64)>>;

pub struct Data {
    /// The item ids as the files name them (they become catalog ids).
    pub items: Vec<String>,
    /// Feature names per item (e.g. `genre:Children's`).
    pub features: Vec<Vec<String>>,
    pub users: Histories,
}

/// Splits one line into fields: `"` quotes a field (`""` is a quote inside it).
pub fn fields(line: &str, delimiter: char) -> Vec<String> {
    let mut out = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            c if c == delimiter && !quoted => out.push(std::mem::take(&mut field)),
            c => field.push(c),
        }
    }
    out.push(field);
    out
}

struct Table {
    header: Vec<String>,
    text: String,
    delimiter: char,
}

impl Table {
    fn read(path: &str, delimiter: char) -> Result<Table, String> {
        let text = fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
        let first = text.lines().next().ok_or(format!("{path}: empty"))?;
        let header = fields(first.trim_start_matches('\u{feff}'), delimiter);
        Ok(Table {
            header,
            text,
            delimiter,
        })
    }

    fn column(&self, name: &str, path: &str) -> Result<usize, String> {
        self.header.iter().position(|h| h == name).ok_or(format!(
            "{path}: no column \"{name}\" (columns: {})",
            self.header.join(", ")
        ))
    }

    fn rows(&self) -> impl Iterator<Item = Vec<String>> + '_ {
        self.text
            .lines()
            .skip(1)
            .filter(|l| !l.trim().is_empty())
            .map(|l| fields(l.trim_end_matches('\r'), self.delimiter))
    }
}

/// A time as seconds: a number (seconds, or milliseconds when it is that large) or an ISO
/// 8601 date or date-time.
fn seconds(s: &str) -> Option<i64> {
    if let Ok(x) = s.trim().parse::<f64>() {
        return Some(if x > 1e11 {
            (x / 1000.0) as i64
        } else {
            x as i64
        });
    }
    let iso = if s.len() == 10 {
        format!("{s}T00:00:00Z")
    } else {
        s.to_owned()
    };
    optin::time::parse_iso(&iso).map(|ms| ms / 1000)
}

pub fn load(src: &Source) -> Result<Data, String> {
    let t = Table::read(&src.interactions, src.delimiter)?;
    let (u, i, tm) = (
        t.column(&src.user, &src.interactions)?,
        t.column(&src.item, &src.interactions)?,
        t.column(&src.time, &src.interactions)?,
    );
    let rating = match &src.rating {
        Some((name, min)) => Some((t.column(name, &src.interactions)?, *min)),
        None => None,
    };
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut items: Vec<String> = Vec::new();
    let mut by_user: HashMap<String, Vec<(usize, i64)>> = HashMap::new();
    let mut skipped = 0usize;
    for row in t.rows() {
        let get = |c: usize| row.get(c).map(String::as_str);
        let (Some(user), Some(item), Some(time)) = (get(u), get(i), get(tm).and_then(seconds))
        else {
            skipped += 1;
            continue;
        };
        if let Some((c, min)) = rating {
            match get(c).and_then(|r| r.trim().parse::<f64>().ok()) {
                Some(r) if r >= min => {}
                _ => continue,
            }
        }
        if !optin::validate::is_name(item) {
            skipped += 1;
            continue;
        }
        let at = *index.entry(item.to_owned()).or_insert_with(|| {
            items.push(item.to_owned());
            items.len() - 1
        });
        by_user.entry(user.to_owned()).or_default().push((at, time));
    }
    if skipped > 0 {
        eprintln!("  skipped {skipped} rows without a user, an item or a time");
    }
    let mut users: Vec<(String, Vec<(usize, i64)>)> = by_user.into_iter().collect();
    users.sort_by(|a, b| a.0.cmp(&b.0));
    let users: Histories = users
        .into_iter()
        .map(|(_, mut v)| {
            v.sort_by_key(|&(i, t)| (t, i));
            v
        })
        .filter(|v| v.len() >= 3)
        .collect();
    let mut features = vec![Vec::new(); items.len()];
    if let Some(f) = &src.features {
        let ft = Table::read(&f.file, src.delimiter)?;
        let (id, col) = (ft.column(&f.item, &f.file)?, ft.column(&f.column, &f.file)?);
        for row in ft.rows() {
            let (Some(item), Some(list)) = (row.get(id), row.get(col)) else {
                continue;
            };
            let Some(&at) = index.get(item) else { continue };
            for value in list.split(f.separator).map(str::trim) {
                let name = format!("{}{value}", f.prefix);
                if value.is_empty()
                    || value == "(no genres listed)"
                    || !optin::validate::is_name(&name)
                    || features[at].contains(&name)
                {
                    continue;
                }
                features[at].push(name);
            }
        }
    }
    Ok(Data {
        items,
        features,
        users,
    })
}

/// Splits each user's interactions by time: the last `fraction` (at least one) is held out.
pub fn split(users: &[Vec<(usize, i64)>], fraction: f64) -> (Histories, Vec<Vec<usize>>) {
    users
        .iter()
        .map(|v| {
            let held = ((v.len() as f64 * fraction).round() as usize)
                .clamp(1, v.len().saturating_sub(1).max(1));
            let cut = v.len() - held;
            (
                v[..cut].to_vec(),
                v[cut..].iter().map(|&(i, _)| i).collect(),
            )
        })
        .unzip()
}

#[cfg(test)]
mod tests {
    #[test]
    fn quoted_fields() {
        assert_eq!(
            super::fields(r#"1,"Heat, The (1995)","a|b""#, ','),
            ["1", "Heat, The (1995)", "a|b"]
        );
        assert_eq!(super::fields("a\tb", '\t'), ["a", "b"]);
    }
}
