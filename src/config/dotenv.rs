//! `.env` files read exactly as dotenvy (what a Rust app loads them with) reads them, and
//! where each definition sits, so that rustauth can warn about what the app will not see
//! and edit a file in place.
//!
//! The values always come from dotenvy itself (`dotenvy::from_read_iter`): quoting,
//! escapes, `export`, comments and `${VAR}` substitution are its own. What dotenvy does not
//! give, the line and byte range of each definition, comes from a scanner that mirrors its
//! line reader (a quoted value may run over several lines). The two are checked against
//! each other key by key; when they disagree ([`Scan::exact`] is false) the values are
//! still dotenvy's, only the positions are unknown, and nothing is edited in place.
//!
//! dotenvy's rules that matter here: the first definition of a key in a file wins (later
//! ones are ignored: `from_path` never overrides a variable already set), and the first
//! line that does not parse ends the file (`from_path` returns the error; the app gets
//! the lines before it only). A UTF-8 byte order mark is skipped.

use std::ops::Range;

/// One `KEY=value` of a file, as dotenvy reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Definition {
    pub key: String,
    /// The value as dotenvy returns it (unquoted, unescaped, substituted).
    pub value: String,
    /// 1-based line where the definition starts (0 when unknown: see [`Scan::exact`]).
    pub line: usize,
    /// Bytes of the value as written in the text (quotes included, a trailing comment
    /// excluded); empty at the right place for `KEY=`.
    pub value_span: Range<usize>,
}

/// What dotenvy reads of a file, in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scan {
    pub definitions: Vec<Definition>,
    /// The 1-based line where dotenvy stops reading: it does not parse.
    pub stop: Option<usize>,
    /// Whether lines and spans are known (the scanner agreed with dotenvy throughout).
    pub exact: bool,
}

impl Scan {
    /// The definitions of `key`, first (the one that counts) first.
    pub fn of<'a>(&'a self, key: &'a str) -> impl Iterator<Item = &'a Definition> + 'a {
        self.definitions.iter().filter(move |d| d.key == key)
    }

    /// Keys defined more than once, with the lines of every definition, in file order.
    pub fn duplicates(&self) -> Vec<(String, Vec<usize>)> {
        let mut out: Vec<(String, Vec<usize>)> = Vec::new();
        for d in &self.definitions {
            match out.iter_mut().find(|(k, _)| *k == d.key) {
                Some((_, lines)) => lines.push(d.line),
                None => out.push((d.key.clone(), vec![d.line])),
            }
        }
        out.retain(|(_, lines)| lines.len() > 1);
        out
    }
}

/// A logical line as dotenvy's line reader cuts it.
struct Logical {
    /// Byte offset where it starts.
    start: usize,
    /// Byte offset where its content ends (trailing comment, `\n` and `\r` cut off).
    content_end: usize,
    /// 1-based line number of its first physical line.
    line: usize,
    /// dotenvy hands it to the line parser (not blank, not a comment); an unterminated
    /// quote at the end of the file is such a line too (dotenvy reports it as an error).
    item: bool,
}

#[derive(Clone, Copy)]
enum State {
    Complete,
    Escape,
    StrongOpen,
    StrongOpenEscape,
    WeakOpen,
    WeakOpenEscape,
    Comment,
    WhiteSpace,
}

/// dotenvy 0.15's `eval_end_state`: the state after `buf`, and where a comment starts.
fn eval_end_state(prev: State, buf: &str) -> (usize, State) {
    let mut cur = prev;
    let mut cur_pos = 0;
    for (pos, c) in buf.char_indices() {
        cur_pos = pos;
        cur = match cur {
            State::WhiteSpace => match c {
                '#' => return (cur_pos, State::Comment),
                '\\' => State::Escape,
                '"' => State::WeakOpen,
                '\'' => State::StrongOpen,
                _ => State::Complete,
            },
            State::Escape => State::Complete,
            State::Complete => match c {
                c if c.is_whitespace() && c != '\n' && c != '\r' => State::WhiteSpace,
                '\\' => State::Escape,
                '"' => State::WeakOpen,
                '\'' => State::StrongOpen,
                _ => State::Complete,
            },
            State::WeakOpen => match c {
                '\\' => State::WeakOpenEscape,
                '"' => State::Complete,
                _ => State::WeakOpen,
            },
            State::WeakOpenEscape => State::WeakOpen,
            State::StrongOpen => match c {
                '\\' => State::StrongOpenEscape,
                '\'' => State::Complete,
                _ => State::StrongOpen,
            },
            State::StrongOpenEscape => State::StrongOpen,
            State::Comment => unreachable!("returned early"),
        };
    }
    (cur_pos, cur)
}

/// dotenvy's `QuotedLines`, with positions.
fn logical_lines(text: &str, base: usize) -> Vec<Logical> {
    let mut out = Vec::new();
    let mut pos = 0;
    let mut line_no = 1;
    while pos < text.len() {
        let start = pos;
        let first_line = line_no;
        let mut state = State::Complete;
        let mut buf_end;
        loop {
            if pos >= text.len() {
                // End of file inside a quote: dotenvy's `LineParse` error.
                out.push(Logical {
                    start: base + start,
                    content_end: base + pos,
                    line: first_line,
                    item: true,
                });
                return out;
            }
            let phys_start = pos;
            let phys_end = text[pos..].find('\n').map_or(text.len(), |i| pos + i + 1);
            pos = phys_end;
            line_no += 1;
            buf_end = phys_end;
            if text[start..buf_end].trim_start().starts_with('#') {
                out.push(Logical {
                    start: base + start,
                    content_end: base + start,
                    line: first_line,
                    item: false,
                });
                break;
            }
            let (cpos, next) = eval_end_state(state, &text[phys_start..phys_end]);
            state = next;
            match state {
                State::Complete => {
                    let mut end = buf_end;
                    if text[start..end].ends_with('\n') {
                        end -= 1;
                        if text[start..end].ends_with('\r') {
                            end -= 1;
                        }
                    }
                    out.push(logical(text, base, start, end, first_line));
                    break;
                }
                State::Comment => {
                    out.push(logical(text, base, start, phys_start + cpos, first_line));
                    break;
                }
                _ => {}
            }
        }
    }
    out
}

fn logical(text: &str, base: usize, start: usize, end: usize, line: usize) -> Logical {
    let content = text[start..end].trim_start();
    Logical {
        start: base + start,
        content_end: base + end,
        line,
        item: !content.is_empty() && !content.starts_with('#'),
    }
}

/// The key of a logical line and where its value starts, as dotenvy's `parse_line`
/// reads them; `None` when it does not parse that far.
fn key_and_value_start(line: &str) -> Option<(String, usize)> {
    fn skip_ws(s: &str, pos: &mut usize) {
        let rest = &s[*pos..];
        *pos += rest
            .find(|c: char| !c.is_whitespace())
            .unwrap_or(rest.len());
    }
    fn parse_key(s: &str, pos: &mut usize) -> Option<String> {
        let rest = &s[*pos..];
        if !rest.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
            return None;
        }
        let len = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'))
            .unwrap_or(rest.len());
        *pos += len;
        Some(rest[..len].to_string())
    }
    let line = line.trim_end();
    let mut pos = 0;
    skip_ws(line, &mut pos);
    let mut key = parse_key(line, &mut pos)?;
    skip_ws(line, &mut pos);
    if line[pos..].starts_with('=') {
        pos += 1;
    } else if key == "export" {
        key = parse_key(line, &mut pos)?;
        skip_ws(line, &mut pos);
        line[pos..].starts_with('=').then_some(())?;
        pos += 1;
    } else {
        return None;
    }
    skip_ws(line, &mut pos);
    Some((key, pos))
}

/// Where the value written at the start of `input` ends, as dotenvy's `parse_value`
/// reads it: at the first unquoted, unescaped space or tab (what follows may only be
/// blanks and a `# comment`), else at the end. Its quirks are kept: a `${…}` or `$NAME`
/// reference takes the character after it literally, quotes included.
fn value_end(input: &str) -> usize {
    #[derive(PartialEq)]
    enum Subst {
        None,
        Block,
        EscapedBlock,
    }
    let (mut strong, mut weak, mut escaped) = (false, false, false);
    let mut subst = Subst::None;
    let mut name_empty = true;
    for (i, c) in input.char_indices() {
        if escaped {
            escaped = false;
        } else if strong {
            if c == '\'' {
                strong = false;
            }
        } else if subst != Subst::None {
            if c.is_alphanumeric() {
                name_empty = false;
            } else if subst == Subst::Block {
                if c == '{' && name_empty {
                    subst = Subst::EscapedBlock;
                } else {
                    name_empty = true;
                    subst = if c == '$' { Subst::Block } else { Subst::None };
                }
            } else if c == '}' {
                subst = Subst::None;
                name_empty = true;
            } else {
                name_empty = false;
            }
        } else if c == '$' {
            subst = Subst::Block;
            name_empty = true;
        } else if weak {
            if c == '"' {
                weak = false;
            } else if c == '\\' {
                escaped = true;
            }
        } else if c == '\'' {
            strong = true;
        } else if c == '"' {
            weak = true;
        } else if c == '\\' {
            escaped = true;
        } else if c == ' ' || c == '\t' {
            return i;
        }
    }
    input.len()
}

/// Reads `text` as dotenvy does.
pub fn scan(text: &str) -> Scan {
    let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let body = &text[bom..];
    let lines: Vec<Logical> = logical_lines(body, bom)
        .into_iter()
        .filter(|l| l.item)
        .collect();
    let mut scan = Scan {
        exact: true,
        ..Scan::default()
    };
    let mut lines = lines.into_iter();
    for item in dotenvy::from_read_iter(body.as_bytes()) {
        let logical = lines.next();
        match item {
            Ok((key, value)) => {
                let (line, value_span) = match &logical {
                    Some(l) => {
                        let content = &text[l.start..l.content_end];
                        match key_and_value_start(content) {
                            Some((k, v)) if k == key => {
                                let value = &content.trim_end()[v..];
                                let start = l.start + v;
                                (l.line, start..start + value_end(value))
                            }
                            _ => {
                                scan.exact = false;
                                (0, 0..0)
                            }
                        }
                    }
                    None => {
                        scan.exact = false;
                        (0, 0..0)
                    }
                };
                scan.definitions.push(Definition {
                    key,
                    value,
                    line,
                    value_span,
                });
            }
            Err(_) => {
                // The error text holds the line (a secret, maybe): only its number is kept.
                match &logical {
                    Some(l) => scan.stop = Some(l.line),
                    None => {
                        scan.exact = false;
                        scan.stop = Some(0);
                    }
                }
                break;
            }
        }
    }
    if !scan.exact {
        for d in &mut scan.definitions {
            d.line = 0;
            d.value_span = 0..0;
        }
    }
    scan
}

#[cfg(test)]
mod tests {
    use super::*;

    fn defs(text: &str) -> Vec<(String, String, usize, String)> {
        let s = scan(text);
        assert!(s.exact, "{text:?}");
        s.definitions
            .iter()
            .map(|d| {
                (
                    d.key.clone(),
                    d.value.clone(),
                    d.line,
                    text[d.value_span.clone()].to_string(),
                )
            })
            .collect()
    }

    fn d(k: &str, v: &str, line: usize, raw: &str) -> (String, String, usize, String) {
        (k.into(), v.into(), line, raw.into())
    }

    #[test]
    fn every_spelling_with_lines_and_spans() {
        let text = "# c\n\nA=1\nexport B=2\n  C = 3 # note\nD=\"two words\"\nE='x y'\r\nF=\"multi\nline\"\nexport=\"as key\"\nG=\nH=   # empty\n";
        assert_eq!(
            defs(text),
            [
                d("A", "1", 3, "1"),
                d("B", "2", 4, "2"),
                d("C", "3", 5, "3"),
                d("D", "two words", 6, "\"two words\""),
                d("E", "x y", 7, "'x y'"),
                d("F", "multi\nline", 8, "\"multi\nline\""),
                d("export", "as key", 10, "\"as key\""),
                d("G", "", 11, ""),
                d("H", "", 12, ""),
            ]
        );
    }

    #[test]
    fn first_definition_wins_and_duplicates_are_listed() {
        let s = scan("RUSTAUTH_SECRET=change-me\nX=1\nRUSTAUTH_SECRET=real\n");
        assert_eq!(s.of("RUSTAUTH_SECRET").next().unwrap().value, "change-me");
        assert_eq!(
            s.duplicates(),
            [("RUSTAUTH_SECRET".to_string(), vec![1, 3])]
        );
    }

    #[test]
    fn a_line_that_does_not_parse_ends_the_file() {
        let s = scan("A=1\nthis is not an assignment\nB=2\n");
        assert_eq!(s.stop, Some(2));
        assert_eq!(s.definitions.len(), 1);
        let s = scan("A=1\nB=\"never closed\nC=3\n");
        assert_eq!(s.stop, Some(2));
        assert_eq!(s.definitions.len(), 1);
        let s = scan("A=1\nB=x y\n");
        assert_eq!(s.stop, Some(2));
    }

    #[test]
    fn byte_order_mark_is_skipped() {
        let text = "\u{feff}A=1\nB=2\n";
        assert_eq!(defs(text), [d("A", "1", 1, "1"), d("B", "2", 2, "2")]);
    }

    #[test]
    fn substitution_is_dotenvys() {
        let s = scan("A=x\nB=${A}-y\n");
        assert_eq!(s.of("B").next().unwrap().value, "x-y");
    }

    #[test]
    fn comments_after_values() {
        assert_eq!(
            defs("A=\"x y\"  # two spaces\nB=v\t# tab\nC='q' #c\nD=a\\ b # e\n"),
            [
                d("A", "x y", 1, "\"x y\""),
                d("B", "v", 2, "v"),
                d("C", "q", 3, "'q'"),
                d("D", "a b", 4, "a\\ b"),
            ]
        );
        // dotenvy's substitution quirk: the character after `$NAME` is taken literally
        // (one blank before `#` is cut by its line reader, a second one is not).
        let text = "X=1\nA=$X  #c\n";
        let s = scan(text);
        assert!(s.exact);
        let a = s.of("A").next().unwrap();
        assert_eq!(a.value, "1 ");
        assert_eq!(&text[a.value_span.clone()], "$X ");
    }

    /// Over a corpus of spellings: the scanner agrees with dotenvy (`exact`), and each
    /// value span, read alone by dotenvy, gives that definition's value.
    #[test]
    fn spans_read_back_as_the_values() {
        let lines = [
            "A=1",
            "A = 1",
            "  A=1  ",
            "export A=1",
            "export   A = 'x y'",
            "A=\"x \\\" y\"",
            "A='it''s'",
            "A=\"a\\nb\"",
            "A=a\\ b",
            "A=p#ss",
            "A=p #c",
            "A=p  #c",
            "A=\"q\"#x",
            "A=\"multi\nline\"",
            "A='multi\nline' # c",
            "A=",
            "A=   ",
            "A=#x",
            "A.B=1",
            "_A=1",
            "A=\"\"",
            "A=''",
            "A=a\tb",
        ];
        for line in lines {
            for text in [
                format!("{line}\n"),
                format!("# c\nZ=0\n{line}\r\nY=2\n"),
                line.to_string(),
            ] {
                let s = scan(&text);
                if s.stop.is_some() {
                    continue; // dotenvy refuses this spelling: nothing to locate.
                }
                assert!(s.exact, "{text:?}");
                for d in &s.definitions {
                    let raw = &text[d.value_span.clone()];
                    let alone: Vec<(String, String)> =
                        dotenvy::from_read_iter(format!("K={raw}\n").as_bytes())
                            .map(Result::unwrap)
                            .collect();
                    assert_eq!(
                        alone,
                        [("K".to_string(), d.value.clone())],
                        "{text:?}: {raw:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn hash_inside_values() {
        assert_eq!(
            defs("A=p#ss\nB='p #ss'\nC=p #c\n"),
            [
                d("A", "p#ss", 1, "p#ss"),
                d("B", "p #ss", 2, "'p #ss'"),
                d("C", "p", 3, "p")
            ]
        );
    }
}
