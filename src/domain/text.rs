//! Text helpers shared by every surface: typo suggestions, forgiving search, neutralising
//! control characters from files and notes, cutting text to a width.

use unicode_width::UnicodeWidthStr;

/// The closest candidate to `word`, if it is close enough to be a likely typo. For a few
/// candidates; many words against many candidates go through a [`Suggest`] built once.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let w = word.to_lowercase();
    candidates
        .into_iter()
        .filter_map(|c| nearness(&w, &c.to_lowercase()).map(|d| (d, c)))
        .min_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1)))
        .map(|(_, c)| c)
}

/// How near a lower-cased candidate is to a lower-cased word, in edits; `None` when too far to
/// be a likely typo. The start of a longer id, typed short ("promot" for promote-leeds),
/// counts as near, a little behind a whole match.
fn nearness(w: &str, lc: &str) -> Option<usize> {
    let n = w.chars().count();
    let limit = match n {
        0..=3 => 1,
        4..=7 => 2,
        _ => 3,
    };
    let m = lc.chars().count();
    let whole = if m.abs_diff(n) <= limit {
        strsim::damerau_levenshtein(w, lc)
    } else {
        usize::MAX
    };
    let prefix = if n >= 4 && m > n {
        let start: String = lc.chars().take(n).collect();
        strsim::damerau_levenshtein(w, &start) + 1
    } else {
        usize::MAX
    };
    let d = whole.min(prefix);
    (d <= limit).then_some(d)
}

/// Typo suggestions among many candidates, from an index built once: each word is compared
/// only with the candidates next to it in sorted order (a shared start) and those sharing the
/// most of its three-letter pieces (a typo anywhere else), never with all of them. Checking a
/// library with thousands of unknown references stays linear.
pub struct Suggest {
    /// (lower-cased, as given), sorted.
    sorted: Vec<(String, String)>,
    /// For each three-letter piece, the candidates holding it (pieces most hold are dropped:
    /// they tell nothing).
    grams: std::collections::HashMap<[char; 3], Vec<u32>>,
}

/// How many neighbours in sorted order, and how many by shared pieces, are compared.
const NEIGHBOURS: usize = 8;
const BY_PIECES: usize = 48;
/// A piece held by more candidates than this is too common to tell them apart.
const COMMON: usize = 256;

fn pieces(s: &str) -> Vec<[char; 3]> {
    let c: Vec<char> = std::iter::once('\u{2}')
        .chain(s.chars())
        .chain(std::iter::once('\u{3}'))
        .collect();
    c.windows(3).map(|w| [w[0], w[1], w[2]]).collect()
}

impl Suggest {
    pub fn new<'a>(candidates: impl IntoIterator<Item = &'a str>) -> Suggest {
        let mut sorted: Vec<(String, String)> = candidates
            .into_iter()
            .map(|c| (c.to_lowercase(), c.to_string()))
            .collect();
        sorted.sort();
        sorted.dedup();
        let mut grams: std::collections::HashMap<[char; 3], Vec<u32>> =
            std::collections::HashMap::new();
        for (i, (lc, _)) in sorted.iter().enumerate() {
            let mut p = pieces(lc);
            p.sort_unstable();
            p.dedup();
            for g in p {
                grams.entry(g).or_default().push(i as u32);
            }
        }
        grams.retain(|_, v| v.len() <= COMMON);
        Suggest { sorted, grams }
    }

    /// The closest candidate to `word`, if it is close enough to be a likely typo.
    pub fn suggest(&self, word: &str) -> Option<&str> {
        let w = word.to_lowercase();
        let at = self
            .sorted
            .partition_point(|(lc, _)| lc.as_str() < w.as_str());
        let mut look: Vec<u32> = (at.saturating_sub(NEIGHBOURS)
            ..(at + NEIGHBOURS).min(self.sorted.len()))
            .map(|i| i as u32)
            .collect();
        let mut shared: std::collections::HashMap<u32, u32> = std::collections::HashMap::new();
        for g in pieces(&w) {
            for &i in self.grams.get(&g).map(Vec::as_slice).unwrap_or_default() {
                *shared.entry(i).or_default() += 1;
            }
        }
        let mut by: Vec<(u32, u32)> = shared.into_iter().collect();
        by.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        look.extend(by.into_iter().take(BY_PIECES).map(|(i, _)| i));
        look.sort_unstable();
        look.dedup();
        look.into_iter()
            .filter_map(|i| {
                let (lc, c) = &self.sorted[i as usize];
                nearness(&w, lc).map(|d| (d, c.as_str()))
            })
            .min_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1)))
            .map(|(_, c)| c)
    }
}

/// How well `query` matches `text`, forgiving small typos: `None` if it does not match.
/// Every word of the query must match some word of the text (as a prefix or substring, or within
/// one or two edits). Higher is better.
pub fn match_score(query: &str, text: &str) -> Option<u32> {
    let text = text.to_lowercase();
    let words: Vec<&str> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let mut score = 0;
    for q in query.to_lowercase().split_whitespace() {
        // a word of one or two letters ("ic", "it") is a whole word, never part of another
        let short = q.chars().count() <= 2;
        let s = if short {
            if words.contains(&q) {
                100
            } else {
                return None;
            }
        } else if text.contains(q) {
            if words.contains(&q) {
                100
            } else if words.iter().any(|w| w.starts_with(q)) {
                80
            } else {
                60
            }
        } else {
            let qn = q.chars().count();
            if qn < 4 {
                return None;
            }
            let limit = if qn < 8 { 1 } else { 2 };
            let best = words
                .iter()
                .map(|w| {
                    // compare with the word and with its prefix of the query's length
                    let prefix: String = w.chars().take(qn).collect();
                    strsim::damerau_levenshtein(q, w).min(strsim::damerau_levenshtein(q, &prefix))
                })
                .min()?;
            if best > limit {
                return None;
            }
            40 - best as u32 * 10
        };
        score += s;
    }
    Some(score)
}

/// A line cut into pieces of at most `width` display columns, no character split and none
/// lost (for commands: every character matters, so they are cut where the width ends).
pub fn chunks(line: &str, width: usize) -> Vec<String> {
    let width = width.max(4);
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut w = 0;
    for c in line.chars() {
        let cw = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if w + cw > width && !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
            w = 0;
        }
        cur.push(c);
        w += cw;
    }
    if !cur.is_empty() || out.is_empty() {
        out.push(cur);
    }
    out
}

/// Text cut at spaces into lines of at most `width` display columns (a word longer than that
/// is cut where the width ends).
pub fn wrap_words(text: &str, width: usize) -> Vec<String> {
    let width = width.max(8);
    let mut out = Vec::new();
    let mut cur = String::new();
    for word in text.split_whitespace() {
        let ww = UnicodeWidthStr::width(word);
        let cw = UnicodeWidthStr::width(cur.as_str());
        if !cur.is_empty() && cw + 1 + ww > width {
            out.push(std::mem::take(&mut cur));
        }
        if ww > width {
            let mut pieces = chunks(word, width);
            let last = pieces.pop().unwrap_or_default();
            out.extend(pieces);
            cur = last;
            continue;
        }
        if !cur.is_empty() {
            cur.push(' ');
        }
        cur.push_str(word);
    }
    if !cur.is_empty() || out.is_empty() {
        out.push(cur);
    }
    out
}

/// Makes text from a file, a note or a journal safe to show in a terminal: control characters
/// (escape sequences included) become visible `\u{..}` escapes; tabs become spaces; newlines are
/// kept only when `keep_newlines`.
pub fn clean(s: &str, keep_newlines: bool) -> String {
    if !s.chars().any(|c| c.is_control() || is_bidi_control(c)) {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\n' if keep_newlines => out.push('\n'),
            '\n' => out.push(' '),
            '\t' => out.push_str("    "),
            '\r' => {}
            c if c.is_control() || is_bidi_control(c) => {
                out.push_str(&format!("\\u{{{:x}}}", c as u32))
            }
            c => out.push(c),
        }
    }
    out
}

/// Bidirectional overrides can make text display in a different order than it is stored.
fn is_bidi_control(c: char) -> bool {
    // and the invisible ones that only hide text: a byte-order mark, zero-width space, word joiner
    matches!(
        c,
        '\u{202a}'..='\u{202e}'
            | '\u{2066}'..='\u{2069}'
            | '\u{200e}'
            | '\u{200f}'
            | '\u{feff}'
            | '\u{200b}'
            | '\u{2060}'
    )
}

/// A short, file-name safe slug of a title.
pub fn slug(s: &str, max: usize) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
        if out.len() >= max {
            break;
        }
    }
    out.trim_end_matches('-').to_string()
}

/// Cuts `skip` columns off the left of a line and keeps at most `width` (for sideways scrolling).
pub fn hslice(s: &str, skip: usize, width: usize) -> String {
    let mut out = String::new();
    let mut col = 0;
    let mut w = 0;
    for ch in s.chars() {
        let cw = unicode_width::UnicodeWidthChar::width(ch).unwrap_or(0);
        if col < skip {
            col += cw;
            continue;
        }
        if w + cw > width {
            break;
        }
        out.push(ch);
        w += cw;
    }
    out
}

/// Shortens to `width` columns by cutting the middle: the start says what, the end says where
/// (a path written, a file name).
pub fn middle_ellipsis(s: &str, width: usize) -> String {
    if UnicodeWidthStr::width(s) <= width || width < 8 {
        return ellipsis(s, width);
    }
    let head = (width - 1) / 2;
    let tail = width - 1 - head;
    let total = UnicodeWidthStr::width(s);
    format!("{}…{}", hslice(s, 0, head), hslice(s, total - tail, tail))
}

/// Truncates to `width` columns with an ellipsis.
pub fn ellipsis(s: &str, width: usize) -> String {
    if UnicodeWidthStr::width(s) <= width {
        return s.to_string();
    }
    let mut out = hslice(s, 0, width.saturating_sub(1));
    out.push('…');
    out
}

/// `s` cut to `width` columns (with `…`) and padded with spaces to exactly `width` columns:
/// `format!("{:<w$}")` pads by characters, which misaligns columns of wide (CJK) text.
pub fn fit(s: &str, width: usize) -> String {
    let mut out = ellipsis(s, width);
    let w = UnicodeWidthStr::width(out.as_str());
    out.extend(std::iter::repeat_n(' ', width.saturating_sub(w)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn did_you_mean_knows_a_typo_and_the_start_of_a_long_id() {
        let ids = ["confirm-primary-down", "promote-leeds", "fence-old-primary"];
        assert_eq!(did_you_mean("promot", ids), Some("promote-leeds"));
        assert_eq!(did_you_mean("fense-old", ids), Some("fence-old-primary"));
        assert_eq!(did_you_mean("promote-leds", ids), Some("promote-leeds"));
        assert_eq!(did_you_mean("zzz", ids), None);
        assert_eq!(
            did_you_mean("pro", ids),
            None,
            "three letters is too little to guess from"
        );
    }

    #[test]
    fn fit_pads_by_display_width() {
        assert_eq!(fit("ab", 4), "ab  ");
        assert_eq!(
            UnicodeWidthStr::width(fit("データセンター停電", 9).as_str()),
            9
        );
        assert_eq!(UnicodeWidthStr::width(fit("停電", 6).as_str()), 6);
    }

    #[test]
    fn an_index_suggests_what_a_scan_would() {
        let ids: Vec<String> = (0..5000).map(|i| format!("step-{i:05}")).collect();
        let mut all: Vec<&str> = ids.iter().map(String::as_str).collect();
        all.extend(["promote-leeds", "check-replica", "notify-board"]);
        let ix = Suggest::new(all.iter().copied());
        for w in [
            "promot",
            "chek-replica",
            "step-0042",
            "stpe-00042",
            "notify-bord",
            "nothing-like-it",
            "x",
        ] {
            assert_eq!(ix.suggest(w), did_you_mean(w, all.iter().copied()), "{w}");
        }
        assert_eq!(ix.suggest("promot"), Some("promote-leeds"));
    }

    #[test]
    fn suggestions() {
        assert_eq!(
            did_you_mean("titel", ["id", "title", "body"]),
            Some("title")
        );
        // the start of a longer name is a good guess
        assert_eq!(
            did_you_mean("depends", ["depends_on", "id"]),
            Some("depends_on")
        );
        assert_eq!(did_you_mean("xyz", ["title"]), None);
    }

    #[test]
    fn forgiving_search() {
        assert!(match_score("priya", "Priya Nair").is_some());
        assert!(
            match_score("pirya", "Priya Nair").is_some(),
            "a transposition is forgiven"
        );
        assert!(match_score("databse", "Core database").is_some());
        assert!(match_score("ransom", "Ransomware containment").is_some());
        assert!(match_score("zebra", "Priya Nair").is_none());
        assert!(match_score("nair priya", "Priya Nair").is_some());
        assert!(match_score("nair bob", "Priya Nair").is_none());
        assert!(match_score("priya", "Priya Nair") > match_score("pri", "Priya Nair"));
    }

    #[test]
    fn cleaning_neutralises_escapes() {
        assert_eq!(clean("a\x1b[2Jb", false), "a\\u{1b}[2Jb");
        assert_eq!(clean("x\ny", false), "x y");
        assert_eq!(clean("x\ny", true), "x\ny");
        assert_eq!(clean("\u{202e}abc", true), "\\u{202e}abc");
        assert_eq!(clean("plain é 漢字", false), "plain é 漢字");
    }

    #[test]
    fn slugs() {
        assert_eq!(
            slug("DC power: loss at Salford!", 40),
            "dc-power-loss-at-salford"
        );
        assert_eq!(slug("a very long title indeed", 8), "a-very-l");
    }
}
