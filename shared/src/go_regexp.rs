//! Go's regular expressions (package `regexp`, RE2 syntax). Traefik compiles the regexp of
//! `HostRegexp`, `PathRegexp`, `HeaderRegexp` and `QueryRegexp` with `regexp.Compile` when it
//! loads a router, and drops the router when that fails; [`check`] refuses what that refuses.
//!
//! regex-syntax parses nearly the same language, so it does the parsing, in three steps:
//!
//! 1. `Translator` reads the pattern token by token as Go's parser does, refuses what Go
//!    refuses inside a token (escapes, classes, flags, group names, repetition counts, a
//!    repetition operator right after another), and writes each token as regex-syntax reads it
//!    with the same meaning. Where the two read a token differently: a `{` that starts no
//!    repetition is a literal in Go (an error in regex-syntax); `\Q...\E` and octal escapes
//!    exist only in Go; inside `[...]`, `[`, `&&`, `--` and `~~` are plain characters in Go but
//!    nested classes and set operations in regex-syntax, so every class character is written as
//!    an escape; group names and flags are Go's (regex-syntax allows `.` in names, and `u`, `x`,
//!    `R` flags; it refuses a name twice, a flag twice, a digit first and `(?)`, which Go
//!    accepts). It remembers which pattern character each written token came from.
//! 2. regex-syntax parses the translation: parentheses that do not pair, a repetition of
//!    nothing.
//! 3. `Limits` walks the syntax tree with Go's limits: counted repetitions nested into more
//!    than 1000 copies, a tree more than 1000 deep, a compiled program too large.
//!
//! Unicode classes (`\pL`, `\p{Greek}`) are the names every Traefik v3 knows: Go's general
//! categories and Unicode 15.0's scripts, as Go spells them, and `Any`. Go 1.25 also accepts
//! other spellings (`\p{Letter}`, `\p{greek}`), but Traefik releases built with an older Go
//! refuse them, so they are refused here too. Not checked: Go's bound on the code points of all
//! classes together (about 26,000 `\pL`), which needs Unicode's tables.

use regex_syntax::ast::parse::ParserBuilder;
use regex_syntax::ast::{self, Ast, GroupKind, RepetitionKind, RepetitionRange};

/// Go's largest count in `{n,m}`, and the most copies counted repetitions nested in each other
/// may make together.
const MAX_REPEAT: u64 = 1000;
/// Go's deepest syntax tree.
const MAX_HEIGHT: u64 = 1000;
/// Go's largest compiled program: 128 MiB of 40-byte instructions.
const MAX_SIZE: u64 = (128 << 20) / 40;
/// The longest regexp checked. Go has no such limit, but checking takes memory in proportion
/// (regex-syntax's tree), and no route needs a regexp anywhere near this long.
pub const MAX_LENGTH: usize = 100_000;

/// The POSIX classes Go knows inside `[...]`, as in `[[:alpha:]]` or `[[:^alpha:]]`.
const POSIX_CLASSES: [&str; 14] =
    ["alnum", "alpha", "ascii", "blank", "cntrl", "digit", "graph", "lower", "print", "punct", "space", "upper", "word", "xdigit"];

/// Unicode's general categories, as Go's `unicode.Categories` names them.
const CATEGORIES: [&str; 36] = [
    "C", "Cc", "Cf", "Co", "Cs", "L", "Ll", "Lm", "Lo", "Lt", "Lu", "M", "Mc", "Me", "Mn", "N", "Nd", "Nl", "No", "P", "Pc", "Pd", "Pe",
    "Pf", "Pi", "Po", "Ps", "S", "Sc", "Sk", "Sm", "So", "Z", "Zl", "Zp", "Zs",
];

/// Unicode 15.0's scripts (what Go has known since 1.21, so every Traefik v3), as Go's
/// `unicode.Scripts` names them, separated by spaces.
const SCRIPTS: &str = "Adlam Ahom Anatolian_Hieroglyphs Arabic Armenian Avestan Balinese Bamum Bassa_Vah Batak Bengali \
    Bhaiksuki Bopomofo Brahmi Braille Buginese Buhid Canadian_Aboriginal Carian Caucasian_Albanian \
    Chakma Cham Cherokee Chorasmian Common Coptic Cuneiform Cypriot Cypro_Minoan Cyrillic Deseret \
    Devanagari Dives_Akuru Dogra Duployan Egyptian_Hieroglyphs Elbasan Elymaic Ethiopic Georgian \
    Glagolitic Gothic Grantha Greek Gujarati Gunjala_Gondi Gurmukhi Han Hangul Hanifi_Rohingya \
    Hanunoo Hatran Hebrew Hiragana Imperial_Aramaic Inherited Inscriptional_Pahlavi \
    Inscriptional_Parthian Javanese Kaithi Kannada Katakana Kawi Kayah_Li Kharoshthi \
    Khitan_Small_Script Khmer Khojki Khudawadi Lao Latin Lepcha Limbu Linear_A Linear_B Lisu Lycian \
    Lydian Mahajani Makasar Malayalam Mandaic Manichaean Marchen Masaram_Gondi Medefaidrin \
    Meetei_Mayek Mende_Kikakui Meroitic_Cursive Meroitic_Hieroglyphs Miao Modi Mongolian Mro Multani \
    Myanmar Nabataean Nag_Mundari Nandinagari New_Tai_Lue Newa Nko Nushu Nyiakeng_Puachue_Hmong \
    Ogham Ol_Chiki Old_Hungarian Old_Italic Old_North_Arabian Old_Permic Old_Persian Old_Sogdian \
    Old_South_Arabian Old_Turkic Old_Uyghur Oriya Osage Osmanya Pahawh_Hmong Palmyrene Pau_Cin_Hau \
    Phags_Pa Phoenician Psalter_Pahlavi Rejang Runic Samaritan Saurashtra Sharada Shavian Siddham \
    SignWriting Sinhala Sogdian Sora_Sompeng Soyombo Sundanese Syloti_Nagri Syriac Tagalog Tagbanwa \
    Tai_Le Tai_Tham Tai_Viet Takri Tamil Tangsa Tangut Telugu Thaana Thai Tibetan Tifinagh Tirhuta \
    Toto Ugaritic Vai Vithkuqi Wancho Warang_Citi Yezidi Yi Zanabazar_Square";

/// Why Go's `regexp` refuses a pattern, at a 0-based character offset of the pattern.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    pub offset: usize,
    pub message: String,
}

/// Whether Go's `regexp.Compile` accepts `pattern`; if not, where and why.
pub fn check(pattern: &str) -> Result<(), Error> {
    if let Some((offset, _)) = pattern.char_indices().nth(MAX_LENGTH) {
        let message = format!("the regexp has more than {MAX_LENGTH} characters, more than this function checks");
        return Err(Error { offset: pattern[..offset].chars().count(), message });
    }
    let translated = Translator::new(pattern).run()?;
    // regex-syntax counts a group and its repetition as two levels where Go's tree has one;
    // its limit stays above Go's so that Go's height, measured by `Limits`, decides.
    let parsed = ParserBuilder::new().nest_limit(3 * MAX_HEIGHT as u32).build().parse(&translated.text);
    let ast = parsed.map_err(|e| translated.error(e.span().start.offset, describe(e.kind())))?;
    ast::visit(&ast, Limits::new(&translated))
}

/// A regex-syntax error, in Go's terms, of the translation of a pattern Go's tokens accept.
fn describe(kind: &ast::ErrorKind) -> String {
    match kind {
        ast::ErrorKind::GroupUnclosed => r#""(" is never closed"#.into(),
        ast::ErrorKind::GroupUnopened => r#"")" closes no "(""#.into(),
        ast::ErrorKind::RepetitionMissing => "a repetition operator with nothing before it to repeat".into(),
        ast::ErrorKind::NestLimitExceeded(_) => format!("the regexp nests more than {MAX_HEIGHT} deep"),
        other => other.to_string(),
    }
}

/// A pattern as regex-syntax reads it, and where each part of it came from.
struct Translated {
    text: String,
    /// For each token written, the byte of `text` it starts at and the 0-based character offset
    /// in the pattern it was written for, in order.
    origin: Vec<(usize, usize)>,
    /// The pattern's length in characters.
    length: usize,
}

impl Translated {
    fn error(&self, byte: usize, message: String) -> Error {
        let token = self.origin.partition_point(|(start, _)| *start <= byte);
        let offset = match byte < self.text.len() && token > 0 {
            true => self.origin[token - 1].1,
            false => self.length,
        };
        Error { offset, message }
    }
}

// ---------------------------------------------------------------------------------------------
// Step 1: Go's tokens, written for regex-syntax

struct Translator {
    chars: Vec<char>,
    /// 0-based offset of the next character.
    at: usize,
    out: String,
    origin: Vec<(usize, usize)>,
    /// The first `:]` at or after an offset (Go looks for one after each `[:` in a class),
    /// remembered so that each part of the pattern is searched once.
    posix_close: Option<(usize, Option<usize>)>,
    /// Whether the last token was a repetition operator, which Go does not let another follow.
    after_repetition: bool,
    /// Whether the translator is inside `[...]`, where fewer escapes mean something.
    in_class: bool,
}

impl Translator {
    fn new(pattern: &str) -> Translator {
        let chars = pattern.chars().collect();
        let (out, origin) = (String::new(), Vec::new());
        Translator { chars, at: 0, out, origin, posix_close: None, after_repetition: false, in_class: false }
    }

    fn run(mut self) -> Result<Translated, Error> {
        while let Some(c) = self.peek(0) {
            let start = self.at;
            let repetition = match c {
                '\\' => self.escape().map(|()| false)?,
                '[' => self.class().map(|()| false)?,
                '(' => self.group().map(|()| false)?,
                '*' | '+' | '?' => self.repetition(start, 1).map(|()| true)?,
                '{' => match self.counted()? {
                    Some(length) => self.repetition(start, length).map(|()| true)?,
                    None => self.literal_char(start),
                },
                ')' | '|' | '^' | '$' | '.' => {
                    self.at += 1;
                    self.emit(&c.to_string(), start);
                    false
                }
                _ => self.literal_char(start),
            };
            self.after_repetition = repetition;
        }
        Ok(Translated { text: self.out, origin: self.origin, length: self.chars.len() })
    }

    fn peek(&self, ahead: usize) -> Option<char> {
        self.chars.get(self.at + ahead).copied()
    }

    fn text(&self, from: usize, to: usize) -> String {
        self.chars[from..to.min(self.chars.len())].iter().collect()
    }

    fn error(&self, offset: usize, message: String) -> Error {
        Error { offset, message }
    }

    fn emit(&mut self, text: &str, origin: usize) {
        if self.origin.last().is_none_or(|(_, last)| *last != origin) {
            self.origin.push((self.out.len(), origin));
        }
        self.out.push_str(text);
    }

    /// The character at `start` as a literal; never a repetition.
    fn literal_char(&mut self, start: usize) -> bool {
        self.at += 1;
        self.literal(self.chars[start] as u32, start);
        false
    }

    /// A literal code point, escaped when regex-syntax would read it otherwise. Go accepts a
    /// surrogate (`\x{D800}`, matching nothing) where regex-syntax wants a character: any
    /// character is as valid there.
    fn literal(&mut self, code: u32, origin: usize) {
        let text = match char::from_u32(code) {
            Some(c) if !regex_syntax::is_meta_character(c) && !c.is_whitespace() => c.to_string(),
            Some(_) => format!("\\x{{{code:X}}}"),
            None => "\\x{FFFD}".to_string(),
        };
        self.emit(&text, origin);
    }

    /// A repetition operator of `length` characters at `start`, with Go's `?` (fewest) after it.
    fn repetition(&mut self, start: usize, length: usize) -> Result<(), Error> {
        let mut end = start + length;
        if self.chars.get(end) == Some(&'?') {
            end += 1;
        }
        let operator = self.text(start, end);
        if self.after_repetition {
            let hint = format!("group the first, as in (?:a+){operator}");
            return Err(self.error(start, format!("{operator:?} follows another repetition operator, which Go refuses ({hint})")));
        }
        self.at = end;
        self.emit(&operator, start);
        Ok(())
    }

    /// Go's `{n}`, `{n,}` or `{n,m}` at a `{`, with counts Go accepts: its length in characters.
    /// `None` when the `{` starts no such form, which makes it a literal in Go.
    fn counted(&self) -> Result<Option<usize>, Error> {
        let Some((min, max, length)) = self.counted_form() else { return Ok(None) };
        let written = self.text(self.at, self.at + length);
        if min > MAX_REPEAT || max.is_some_and(|max| max > MAX_REPEAT) {
            return Err(self.error(self.at, format!("{written:?} counts more than {MAX_REPEAT}, Go's most")));
        }
        if max.is_some_and(|max| max < min) {
            return Err(self.error(self.at, format!("{written:?} has a minimum above its maximum")));
        }
        Ok(Some(length))
    }

    /// The counts of a `{n}`, `{n,}` (no maximum) or `{n,m}` at a `{`, and its length.
    fn counted_form(&self) -> Option<(u64, Option<u64>, usize)> {
        let mut i = self.at + 1;
        let min = self.number(&mut i)?;
        let max = match self.chars.get(i).copied() {
            Some(',') if self.chars.get(i + 1) == Some(&'}') => {
                i += 1;
                None
            }
            Some(',') => {
                i += 1;
                Some(self.number(&mut i)?)
            }
            _ => Some(min),
        };
        (self.chars.get(i) == Some(&'}')).then_some((min, max, i + 1 - self.at))
    }

    /// A decimal number at `i` as Go reads a count: digits, no leading zero. Large values stop
    /// growing: anything over `MAX_REPEAT` is refused all the same.
    fn number(&self, i: &mut usize) -> Option<u64> {
        let digits = self.chars[*i..].iter().take_while(|c| c.is_ascii_digit()).count();
        if digits == 0 || (digits > 1 && self.chars[*i] == '0') {
            return None;
        }
        let value = self.chars[*i..*i + digits].iter().fold(0u64, |n, c| (n * 10 + u64::from(*c as u8 - b'0')).min(u64::MAX / 100));
        *i += digits;
        Some(value)
    }

    /// An escape outside `[...]`.
    fn escape(&mut self) -> Result<(), Error> {
        let start = self.at;
        match self.peek(1) {
            Some(c @ ('A' | 'z' | 'b' | 'B' | 'd' | 'D' | 's' | 'S' | 'w' | 'W')) => {
                self.at += 2;
                self.emit(&format!("\\{c}"), start);
                Ok(())
            }
            Some('Q') => {
                self.quoted();
                Ok(())
            }
            Some('p' | 'P') => self.unicode_class(),
            _ => {
                let code = self.escaped_char()?;
                self.literal(code, start);
                Ok(())
            }
        }
    }

    /// `\Q...\E`: everything up to `\E`, or to the end, is literal.
    fn quoted(&mut self) {
        self.at += 2;
        while let Some(c) = self.peek(0) {
            if c == '\\' && self.peek(1) == Some('E') {
                self.at += 2;
                return;
            }
            self.literal(c as u32, self.at);
            self.at += 1;
        }
    }

    /// An escape that stands for one character (Go's `parseEscape`): its code point.
    fn escaped_char(&mut self) -> Result<u32, Error> {
        let start = self.at;
        let Some(c) = self.peek(1) else { return Err(self.error(start, r#"a "\" at the end escapes nothing"#.into())) };
        self.at += 2;
        let octal = |c: Option<char>| c.and_then(|c| c.to_digit(8));
        match c {
            c if c.is_ascii() && !c.is_ascii_alphanumeric() => Ok(c as u32),
            // `\0` and up to two more octal digits, or two or three: Go reads a lone `\1` as a
            // backreference, which it does not support.
            '0'..='7' if c == '0' || octal(self.peek(0)).is_some() => {
                let mut code = c as u32 - '0' as u32;
                for _ in 0..2 {
                    let Some(digit) = octal(self.peek(0)) else { break };
                    code = code * 8 + digit;
                    self.at += 1;
                }
                Ok(code)
            }
            'x' => self.hex(start),
            'a' => Ok(7),
            'f' => Ok(12),
            'n' => Ok(10),
            'r' => Ok(13),
            't' => Ok(9),
            'v' => Ok(11),
            '1'..='9' => Err(self.error(start, format!("{:?}: Go's regexp has no backreferences", self.text(start, self.at)))),
            _ => Err(self.invalid_escape(start)),
        }
    }

    /// After `\x`: two hex digits, or one or more in braces, up to U+10FFFF.
    fn hex(&mut self, start: usize) -> Result<u32, Error> {
        let digit = |c: Option<char>| c.and_then(|c| c.to_digit(16));
        if self.peek(0) != Some('{') {
            let (Some(high), Some(low)) = (digit(self.peek(0)), digit(self.peek(1))) else {
                self.at = (self.at + 2).min(self.chars.len());
                return Err(self.invalid_escape(start));
            };
            self.at += 2;
            return Ok(high * 16 + low);
        }
        self.at += 1;
        let mut code = 0u32;
        while let Some(value) = digit(self.peek(0)) {
            code = code * 16 + value;
            self.at += 1;
            if code > 0x10FFFF {
                return Err(self.invalid_escape(start));
            }
        }
        let has_digits = self.chars[start + 3..self.at].iter().any(char::is_ascii_hexdigit);
        if self.peek(0) != Some('}') || !has_digits {
            return Err(self.invalid_escape(start));
        }
        self.at += 1;
        Ok(code)
    }

    fn invalid_escape(&self, start: usize) -> Error {
        let written = self.text(start, self.at.max(start + 2));
        let inside = if self.in_class { " inside [...]" } else { "" };
        self.error(start, format!("{written:?} is not an escape Go's regexp knows{inside}"))
    }

    /// `\pL`, `\p{Greek}`, `\p{^Greek}` and their `\P` negations.
    fn unicode_class(&mut self) -> Result<(), Error> {
        let start = self.at;
        let mut negated = self.peek(1) == Some('P');
        self.at += 2;
        let name = match self.peek(0) {
            Some('{') => {
                let Some(close) = self.chars[self.at..].iter().position(|c| *c == '}').map(|i| self.at + i) else {
                    return Err(self.error(start, format!(r#"{:?} has no closing "}}""#, self.text(start, start + 3))));
                };
                let name = self.text(self.at + 1, close);
                self.at = close + 1;
                name
            }
            Some(c) => {
                self.at += 1;
                c.to_string()
            }
            None => String::new(),
        };
        let name = match name.strip_prefix('^') {
            Some(name) => {
                negated = !negated;
                name
            }
            None => name.as_str(),
        };
        if name != "Any" && !CATEGORIES.contains(&name) && !SCRIPTS.split(' ').any(|script| script == name) {
            let known = "Go's names of a general category such as L or Lu, of a script such as Greek or Han, or Any";
            let message = format!("{:?}: {name:?} is not a Unicode class every Traefik v3 knows (use {known})", self.text(start, self.at));
            return Err(self.error(start, message));
        }
        self.emit(&format!("\\{}{{{name}}}", if negated { 'P' } else { 'p' }), start);
        Ok(())
    }

    /// `[...]` as Go reads it: `^` first negates, `]` first is a literal, `-` between two
    /// characters is a range, and `[:alpha:]`, `\d` and `\pL` are classes inside it.
    fn class(&mut self) -> Result<(), Error> {
        let open = self.at;
        self.at += 1;
        self.emit("[", open);
        if self.peek(0) == Some('^') {
            self.at += 1;
            self.emit("^", open);
        }
        let mut first = true;
        self.in_class = true;
        loop {
            match self.peek(0) {
                None => return Err(self.error(open, r#""[" is never closed with "]""#.into())),
                Some(']') if !first => break,
                _ => self.class_item()?,
            }
            first = false;
        }
        self.in_class = false;
        self.emit("]", self.at);
        self.at += 1;
        Ok(())
    }

    fn class_item(&mut self) -> Result<(), Error> {
        let start = self.at;
        if self.peek(0) == Some('[') && self.peek(1) == Some(':') && self.peek(2).is_some() && self.posix_class()? {
            return Ok(());
        }
        match (self.peek(0), self.peek(1)) {
            (Some('\\'), Some('p' | 'P')) => return self.unicode_class(),
            (Some('\\'), Some(c @ ('d' | 'D' | 's' | 'S' | 'w' | 'W'))) => {
                self.at += 2;
                self.emit(&format!("\\{c}"), start);
                return Ok(());
            }
            _ => {}
        }
        let low = self.class_char()?;
        let mut high = low;
        if self.peek(0) == Some('-') && self.peek(1).is_some_and(|c| c != ']') {
            self.at += 1;
            high = self.class_char()?;
            if high < low {
                return Err(self.error(start, format!("the range {:?} goes backwards", self.text(start, self.at))));
            }
        }
        let text = match (char::from_u32(low), char::from_u32(high)) {
            (Some(_), Some(_)) if low < high => format!("\\x{{{low:X}}}-\\x{{{high:X}}}"),
            (Some(_), _) => format!("\\x{{{low:X}}}"),
            // A range from a surrogate is as valid as any character (see `literal`).
            (None, _) => "\\x{FFFD}".into(),
        };
        self.emit(&text, start);
        Ok(())
    }

    /// A character of a class: itself, or an escape that stands for one.
    fn class_char(&mut self) -> Result<u32, Error> {
        match self.peek(0) {
            Some('\\') => self.escaped_char(),
            Some(c) => {
                self.at += 1;
                Ok(c as u32)
            }
            None => Err(self.error(self.at, r#"a class is never closed with "]""#.into())),
        }
    }

    /// `[:name:]` or `[:^name:]` at `[:`, when a `:]` follows somewhere (as Go looks for it):
    /// whether there was one. Otherwise the `[` is a character of the class.
    fn posix_class(&mut self) -> Result<bool, Error> {
        let start = self.at;
        let Some(end) = self.posix_close(start + 2) else { return Ok(false) };
        let name = self.text(start + 2, end);
        let written = self.text(start, end + 2);
        if !POSIX_CLASSES.contains(&name.strip_prefix('^').unwrap_or(&name)) {
            let message = format!("{written:?} is not a POSIX class Go knows ({})", POSIX_CLASSES.join(", "));
            return Err(self.error(start, message));
        }
        self.at = end + 2;
        self.emit(&written, start);
        Ok(true)
    }

    /// The first `:]` at or after `from`.
    fn posix_close(&mut self, from: usize) -> Option<usize> {
        match self.posix_close {
            Some((searched, close)) if searched <= from && close.is_none_or(|close| close >= from) => close,
            _ => {
                let close = (from..self.chars.len().saturating_sub(1)).find(|&i| self.chars[i] == ':' && self.chars[i + 1] == ']');
                self.posix_close = Some((from, close));
                close
            }
        }
    }

    /// `(`, `(?P<name>` or `(?<name>`, or a flag group.
    fn group(&mut self) -> Result<(), Error> {
        let start = self.at;
        if self.peek(1) != Some('?') {
            self.at += 1;
            self.emit("(", start);
            return Ok(());
        }
        let name_from = match (self.peek(2), self.peek(3)) {
            (Some('P'), Some('<')) => start + 4,
            (Some('<'), Some(c)) if c != '=' && c != '!' => start + 3,
            _ => return self.flags(start),
        };
        let Some(close) = self.chars[name_from..].iter().position(|c| *c == '>').map(|i| name_from + i) else {
            return Err(self.error(start, format!(r#"{:?}: a group name ends with ">""#, self.text(start, name_from))));
        };
        let name = self.text(name_from, close);
        if name.is_empty() || !name.chars().all(|c| c == '_' || c.is_ascii_alphanumeric()) {
            let message = format!(r#"{:?}: a group's name is ASCII letters, digits and "_""#, self.text(start, close + 1));
            return Err(self.error(start, message));
        }
        // A plain group: regex-syntax checks names differently, and they change no validity.
        self.at = close + 1;
        self.emit("(", start);
        Ok(())
    }

    /// `(?flags)` or `(?flags:...`: Go's flags are i, m, s and U, with one `-` before those to
    /// clear. Flags change no validity, so `(?flags:` is written as `(?:` and `(?flags)` as
    /// nothing (Go pushes nothing for it either: `a(?i)*` repeats the `a`).
    fn flags(&mut self, start: usize) -> Result<(), Error> {
        let (mut i, mut clearing, mut flag) = (start + 2, false, false);
        loop {
            match self.chars.get(i).copied() {
                Some('i' | 'm' | 's' | 'U') => flag = true,
                Some('-') if !clearing => (clearing, flag) = (true, false),
                Some(c @ (':' | ')')) if !clearing || flag => {
                    self.at = i + 1;
                    if c == ':' {
                        self.emit("(?:", start);
                    }
                    return Ok(());
                }
                _ => return Err(self.unsupported_group(start, i)),
            }
            i += 1;
        }
    }

    fn unsupported_group(&self, start: usize, at: usize) -> Error {
        let written = self.text(start, at + 1);
        let after = self.text(start + 2, start + 4);
        if let Some(look) = ["=", "!", "<=", "<!"].into_iter().find(|look| after.starts_with(look)) {
            return self.error(start, format!("\"(?{look}\": Go's regexp has no look-ahead or look-behind"));
        }
        self.error(start, format!("{written:?} is not a group Go's regexp knows: its flags are i, m, s and U, as in (?i) or (?i:...)"))
    }
}

// ---------------------------------------------------------------------------------------------
// Step 3: Go's limits on the syntax tree

/// What Go's limits need of a subtree, measured the way Go measures its own tree, where
/// non-capturing groups disappear and a run of literals is one node.
#[derive(Clone, Copy)]
struct Measure {
    height: u64,
    /// Instructions of the compiled program (Go's estimate, before it factors alternatives).
    size: u64,
    /// The smallest budget of copies within which the counted repetitions inside fit, as Go
    /// divides its budget of 1000 by each count on the way down.
    copies: u64,
}

const LEAF: Measure = Measure { height: 1, size: 1, copies: 0 };

/// Measures every node after its children (regex-syntax's visitor keeps its own stack, so a
/// deep tree does not exhaust this one), and stops at the first node over a limit.
struct Limits<'a> {
    translated: &'a Translated,
    /// The measures of the children of each node being visited, innermost last.
    stack: Vec<Vec<Measure>>,
}

impl ast::Visitor for Limits<'_> {
    type Output = ();
    type Err = Error;

    fn finish(self) -> Result<(), Error> {
        Ok(())
    }

    fn visit_pre(&mut self, _: &Ast) -> Result<(), Error> {
        self.stack.push(Vec::new());
        Ok(())
    }

    fn visit_post(&mut self, ast: &Ast) -> Result<(), Error> {
        let children = self.stack.pop().unwrap_or_default();
        let measure = self.measure(ast, &children)?;
        if measure.height > MAX_HEIGHT {
            return Err(self.translated.error(0, format!("the regexp nests more than {MAX_HEIGHT} deep")));
        }
        // Go skips counting sizes while its nodes times its counts stay small, in a way that
        // depends on how its parser's stack moves, so it accepts a few regexps this large (one
        // literal of 3400 characters repeated {1000}, after another character): not here.
        if measure.size > MAX_SIZE {
            return Err(self.translated.error(0, format!("the regexp is too large for Go (over {MAX_SIZE} instructions)")));
        }
        if let Some(parent) = self.stack.last_mut() {
            parent.push(measure);
        }
        Ok(())
    }
}

impl Limits<'_> {
    fn new(translated: &Translated) -> Limits<'_> {
        Limits { translated, stack: vec![Vec::new()] }
    }

    fn measure(&self, ast: &Ast, children: &[Measure]) -> Result<Measure, Error> {
        let inner = children.first().copied().unwrap_or(LEAF);
        let highest = children.iter().map(|m| m.height).max().unwrap_or(0);
        let size: u64 = children.iter().map(|m| m.size).fold(0, u64::saturating_add);
        let copies = children.iter().map(|m| m.copies).max().unwrap_or(0);
        Ok(match ast {
            Ast::Repetition(repetition) => self.repetition(repetition, inner)?,
            Ast::Group(group) => match group.kind {
                GroupKind::NonCapturing(_) => inner,
                _ => Measure { height: inner.height + 1, size: inner.size.saturating_add(2), copies: inner.copies },
            },
            Ast::Concat(concat) if concat.asts.iter().all(|ast| matches!(ast, Ast::Literal(_))) => Measure { height: 1, size, copies },
            Ast::Concat(_) => Measure { height: highest + 1, size, copies },
            Ast::Alternation(alternation) => Self::alternation(&alternation.asts, children),
            _ => LEAF,
        })
    }

    /// Go merges neighbouring alternatives of one character each into one class.
    fn alternation(asts: &[Ast], children: &[Measure]) -> Measure {
        let single =
            |ast: &Ast| matches!(ast, Ast::Literal(_) | Ast::Dot(_) | Ast::ClassUnicode(_) | Ast::ClassPerl(_) | Ast::ClassBracketed(_));
        let kept: Vec<Measure> =
            (0..asts.len()).filter(|&i| i == 0 || !single(&asts[i]) || !single(&asts[i - 1])).map(|i| children[i]).collect();
        match kept.as_slice() {
            [one] => *one,
            kept => Measure {
                height: 1 + kept.iter().map(|m| m.height).max().unwrap_or(0),
                size: kept.iter().map(|m| m.size).fold(kept.len() as u64 - 1, u64::saturating_add),
                copies: kept.iter().map(|m| m.copies).max().unwrap_or(0),
            },
        }
    }

    /// `x*`, `x+`, `x?` and Go's counted `x{n,m}`, whose copies of `x` count against the budget
    /// of 1000 with those of the counted repetitions inside `x`.
    fn repetition(&self, repetition: &ast::Repetition, inner: Measure) -> Result<Measure, Error> {
        let (min, max) = match &repetition.op.kind {
            RepetitionKind::ZeroOrMore => return Ok(Measure { height: inner.height + 1, size: inner.size.saturating_add(2), ..inner }),
            RepetitionKind::OneOrMore | RepetitionKind::ZeroOrOne => {
                return Ok(Measure { height: inner.height + 1, size: inner.size.saturating_add(1), ..inner });
            }
            RepetitionKind::Range(RepetitionRange::Exactly(n)) => (u64::from(*n), Some(u64::from(*n))),
            RepetitionKind::Range(RepetitionRange::AtLeast(n)) => (u64::from(*n), None),
            RepetitionKind::Range(RepetitionRange::Bounded(m, n)) => (u64::from(*m), Some(u64::from(*n))),
        };
        let size = match max {
            None if min == 0 => inner.size.saturating_add(2),
            None => inner.size.saturating_mul(min).saturating_add(1),
            Some(max) => inner.size.saturating_mul(max).saturating_add(max - min),
        };
        // Go divides its budget by the maximum (the minimum when there is none); a maximum of 0
        // makes no copies at all.
        let count = max.unwrap_or(min);
        let copies = match (max, count) {
            (Some(0), _) => 0,
            (_, 0) => inner.copies,
            (_, count) => count.max(inner.copies.saturating_mul(count)),
        };
        if (min >= 2 || max.is_some_and(|max| max >= 2)) && copies > MAX_REPEAT {
            let written = &self.translated.text[repetition.op.span.start.offset..repetition.op.span.end.offset];
            let message = format!("{written:?} and the counted repetitions inside it make more than {MAX_REPEAT} copies, Go's most");
            return Err(self.translated.error(repetition.op.span.start.offset, message));
        }
        Ok(Measure { height: inner.height + 1, size: size.max(1), copies })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(pattern: &str) -> Error {
        check(pattern).expect_err(pattern)
    }

    /// Values and verdicts of Go's own parser tests: golang/go, `src/regexp/syntax/parse_test.go`
    /// at commit 0657e5d4a8a7f47fd9c7f2396c8d36e58c0d1d8a (`parseTests`, `foldcaseTests`,
    /// `matchnlTests` and `onlyPerl` parse; `invalidRegexps` and `onlyPOSIX` do not, with the
    /// flags `regexp.Compile` uses). Left out: the four invalid UTF-8 patterns, which a Rust
    /// string cannot hold (the rule tests write them as escapes), `\pL` 27,000 times (Go's bound
    /// on class code points, not checked), and the spellings of Unicode classes that only Go 1.25
    /// accepts, refused here on purpose (see the module's documentation).
    #[test]
    fn go_parser_tests() {
        let mut valid: Vec<String> = [
            "a",
            "a.",
            "a.b",
            "ab",
            "a.b.c",
            "abc",
            "a|^",
            "a|b",
            "(a)",
            "(a)|b",
            "a*",
            "a+",
            "a?",
            "a{2}",
            "a{2,3}",
            "a{2,}",
            "a*?",
            "a+?",
            "a??",
            "a{2}?",
            "a{2,3}?",
            "a{2,}?",
            "x{1001",
            "x{9876543210",
            "x{9876543210,",
            "x{2,1",
            "x{1,9876543210",
            "",
            "|",
            "|x|",
            ".",
            "^",
            "$",
            r"\|",
            r"\(",
            r"\)",
            r"\*",
            r"\+",
            r"\?",
            "{",
            "}",
            r"\.",
            r"\^",
            r"\$",
            r"\\",
            "[ace]",
            "[abc]",
            "[a-z]",
            "[a]",
            r"\-",
            "-",
            r"\_",
            "abc",
            "abc|def",
            "abc|def|ghi",
            "[[:lower:]]",
            "[^[:lower:]]",
            "[[:^lower:]]",
            "(?i)[[:lower:]]",
            "(?i)[a-z]",
            "(?i)[^[:lower:]]",
            "(?i)[[:^lower:]]",
            r"\d",
            r"\D",
            r"\s",
            r"\S",
            r"\w",
            r"\W",
            r"(?i)\w",
            r"(?i)\W",
            r"[^\\]",
            r"\p{Braille}",
            r"\P{Braille}",
            r"\p{^Braille}",
            r"\P{^Braille}",
            r"\pZ",
            r"[\p{Braille}]",
            r"[\P{Braille}]",
            r"[\p{^Braille}]",
            r"[\P{^Braille}]",
            r"[\pZ]",
            r"\p{Lu}",
            r"\p{Canadian_Aboriginal}",
            r"[\p{Lu}]",
            r"(?i)[\p{Lu}]",
            r"\p{Any}",
            r"\p{^Any}",
            r"[\012-\234]\141",
            r"[\x{41}-\x7a]\x61",
            "a{,2}",
            r"\.\^\$\\",
            "[a-zABC]",
            "[^a]",
            "[α-ε☺]",
            "a*{",
            "(?:ab)*",
            "(ab)*",
            "ab|cd",
            "a(b|c)d",
            "(?:a)",
            "(?:ab)(?:cd)",
            "(?:a+b+)(?:c+d+)",
            "(?:a+|b+)|(?:c+|d+)",
            "(?:a|b)|(?:c|d)",
            "a|.",
            ".|a",
            "(?:[abc]|A|Z|hello|world)",
            "(?:[abc]|A|Z)",
            r"\Q+|*?{[\E",
            r"\Q+\E+",
            r"\Qab\E+",
            r"\Q\\E",
            r"\Q\\\E",
            "(?m)^",
            "(?m)$",
            "(?-m)^",
            "(?-m)$",
            r"(?m)\A",
            r"(?m)\z",
            r"(?-m)\A",
            r"(?-m)\z",
            "(?P<name>a)",
            "(?<name>a)",
            "[Aa]",
            r"[\x{100}\x{101}]",
            "[Δδ]",
            "abcde",
            "[Aa][Bb]cd",
            "abc|abd|aef|bcx|bcy",
            "ax+y|ax+z|ay+w",
            "(?:.)",
            "(?:x|(?:xa))",
            "(?:.|(?:.a))",
            "(?:A(?:A|a))",
            "(?:A|a)",
            "A|(?:A|a)",
            "(?s).",
            "(?-s).",
            "(?:(?:^).)",
            "(?-s)(?:(?:^).)",
            r"[\s\S]a",
            "abc|abd",
            "a(?:b)c|abd",
            "abc|x|abd",
            "(?i)abc|ABD",
            "[ab]c|[ab]d",
            ".c|.d",
            "x{2}|x{2}[0-9]",
            "x{2}y|x{2}[0-9]y",
            "a.*?c|a.*?b",
            "((((((((((x{2}){2}){2}){2}){2}){2}){2}){2}){2}))",
            "((((((((((x{1}){2}){2}){2}){2}){2}){2}){2}){2}){2})",
            "(?:[a-z]{4}){0,250}",
            // foldcaseTests and matchnlTests
            "AbCdE",
            "A[F-g]",
            "[[:upper:]]",
            "\n",
            r"[a\n]",
            // onlyPerl
            "[a-b-c]",
            r"\Qabc\E",
            r"\Q*+?{[\E",
            r"\Q\\\\E",
            r"\Q\\\\\E",
        ]
        .map(String::from)
        .to_vec();
        valid.extend([format!("{}{}", "(".repeat(999), ")".repeat(999)), format!("{}{}", "(?:".repeat(999), ")*".repeat(999))]);
        valid.push(format!("({})", "|".repeat(12345)));
        let mut invalid: Vec<String> = [
            "(",
            ")",
            "(a",
            "a)",
            "(a))",
            "(a|b|",
            "a|b|)",
            "(a|b|))",
            "(a|b",
            "a|b)",
            "(a|b))",
            "[a-z",
            "([a-z)",
            "[a-z)",
            "([a-z]))",
            "x{1001}",
            "x{9876543210}",
            "x{2,1}",
            "x{1,9876543210}",
            "(?P<name>a",
            "(?P<name>",
            "(?P<name",
            "(?P<x y>a)",
            "(?P<>a)",
            "(?<name>a",
            "(?<name>",
            "(?<name",
            "(?<x y>a)",
            "(?<>a)",
            "[a-Z]",
            "(?i)[a-Z]",
            r"\Q\E*",
            "a{100000}",
            "a{100000,}",
            "((((((((((x{2}){2}){2}){2}){2}){2}){2}){2}){2}){2})",
            "(?:[a-z]{4}){0,251}",
            // onlyPOSIX
            "a++",
            "a**",
            "a?*",
            "a+*",
            "a{1}*",
            ".{1}{2}.{3}",
        ]
        .map(String::from)
        .to_vec();
        invalid.extend([format!("{}{}", "(".repeat(1000), ")".repeat(1000)), format!("{}{}", "(?:".repeat(1000), ")*".repeat(1000))]);
        invalid.extend([format!("({}){{1000}}", "(xx?)".repeat(1000)), "(xx?){1000}".repeat(1000)]);
        // Accepted by Go from 1.25 on only.
        let newer = [r"\p{Uppercase_Letter}", r"\p{upper case-let ter}", r"\p{__upper case-let ter}", r"(?i)\p{ascii}", r"\p{Assigned}"];
        invalid.extend(newer.into_iter().chain([r"\p{^Assigned}"]).map(String::from));
        for pattern in &valid {
            assert_eq!(check(pattern), Ok(()), "{pattern:?}");
        }
        for pattern in &invalid {
            assert!(check(pattern).is_err(), "{pattern:?} should be refused");
        }
        assert_eq!((valid.len(), invalid.len()), (166, 52));
    }

    /// Patterns regex-syntax alone would judge otherwise than Go, with Go's verdicts (each
    /// checked against Go's `regexp.Compile`, except `(?<name>`, Go 1.22 and later).
    #[test]
    fn where_regex_syntax_alone_would_differ() {
        let valid = [
            // A `{` that starts no repetition is a literal.
            "a{",
            "{",
            "a{x}",
            "{start}",
            "a{,2}",
            "a{01}",
            "a*{01}",
            "a{1, 2}",
            r"\b{start}",
            // Quoting, octal escapes, surrogates.
            r"\Q.*\E",
            r"\Qa",
            r"\0",
            r"\07",
            r"\12",
            r"\123",
            r"\777",
            r"\x{D800}",
            r"[\x{D800}-\x{E000}]",
            // Inside [...], [ && ~~ -- are characters, and a class before "-" makes no range.
            "[[]",
            "[a[bc]]",
            "[a&&b]",
            "[a~~b]",
            r"[\d-z]",
            r"[\pL-z]",
            "[--a]",
            // Flags and names as Go reads them; a flag group repeats nothing and stops nothing.
            "(?)",
            "(?ii)",
            "(?i-i)",
            "a(?i)*",
            "a*(?i)*",
            r"a*\Q\E*",
            "(?P<1a>a)",
            "(?P<n>a)(?P<n>b)",
            "(?<n>a)",
            // Any ASCII punctuation or space may be escaped.
            r"\ ",
            r"\<",
            r"\>",
            r"\_",
            r"\'",
            r"\/",
            r"\@",
        ];
        let invalid = [
            "a**",
            "a+*",
            "a{2}{3}",
            "a*??",
            r"\u0041",
            r"\U00000041",
            r"\p{greek}",
            r"\p{Letter}",
            r"\p{Foo}",
            r"\p{IsGreek}",
            r"\p{Script=Greek}",
            "[[:foo:]]",
            "[a--b]",
            "(?u)a",
            "(?x)a",
            "(?R)a",
            "(?P<a.b>a)",
            "a{1001}",
            "(a{10}){200}",
            "(?'n'a)",
            r"\1",
            r"\8",
            r"\x{110000}",
            "(?<=a)b",
            "(?#comment)",
            r"\k<n>",
            r"\C",
            r"\Z",
            "[a-\\d]",
            r"[\b]",
        ];
        for pattern in valid {
            assert_eq!(check(pattern), Ok(()), "{pattern:?}");
        }
        for pattern in invalid {
            assert!(check(pattern).is_err(), "{pattern:?} should be refused");
        }
    }

    #[test]
    fn unicode_classes_are_go_names() {
        let scripts: Vec<&str> = SCRIPTS.split(' ').collect();
        assert_eq!(scripts.len(), 163);
        for name in scripts.iter().chain(&CATEGORIES).chain(&["Any"]) {
            assert_eq!(check(&format!(r"\p{{{name}}}[\P{{^{name}}}]")), Ok(()), "{name}");
        }
        assert!(check(r"\pL\PN\pZ[\pLx]").is_ok());
        assert!(check(r"\p{Latin }").is_err() && check(r"\p{}").is_err() && check(r"\p").is_err());
    }

    #[test]
    fn errors_say_where_and_why() {
        let cases = [
            ("(example.com", 0, r#""(" is never closed"#),
            ("/css)", 4, r#"")" closes no "(""#),
            ("*a", 0, "a repetition operator with nothing before it to repeat"),
            ("a+*", 2, r#""*" follows another repetition operator, which Go refuses (group the first, as in (?:a+)*)"#),
            ("x{1001}", 1, r#""{1001}" counts more than 1000, Go's most"#),
            ("x{2,1}", 1, r#""{2,1}" has a minimum above its maximum"#),
            ("(a{10}){200}", 7, r#""{200}" and the counted repetitions inside it make more than 1000 copies, Go's most"#),
            (r"a\e", 1, r#""\\e" is not an escape Go's regexp knows"#),
            (r"[\b]", 1, r#""\\b" is not an escape Go's regexp knows inside [...]"#),
            (r"\1", 0, r#""\\1": Go's regexp has no backreferences"#),
            ("a\\", 1, r#"a "\" at the end escapes nothing"#),
            (
                r"x\p{Letter}",
                1,
                r#""\\p{Letter}": "Letter" is not a Unicode class every Traefik v3 knows (use Go's names of a general category such as L or Lu, of a script such as Greek or Han, or Any)"#,
            ),
            (r"\p{Han", 0, r#""\\p{" has no closing "}""#),
            (
                "[[:foo:]]",
                1,
                r#""[:foo:]" is not a POSIX class Go knows (alnum, alpha, ascii, blank, cntrl, digit, graph, lower, print, punct, space, upper, word, xdigit)"#,
            ),
            ("[a-cz-a]", 4, r#"the range "z-a" goes backwards"#),
            ("ab[cd", 2, r#""[" is never closed with "]""#),
            ("a(?x)", 1, r#""(?x" is not a group Go's regexp knows: its flags are i, m, s and U, as in (?i) or (?i:...)"#),
            ("(?<=a)b", 0, r#""(?<=": Go's regexp has no look-ahead or look-behind"#),
            ("(?P<a.b>x)", 0, r#""(?P<a.b>": a group's name is ASCII letters, digits and "_""#),
            ("(?P<name", 0, r#""(?P<": a group name ends with ">""#),
        ];
        for (pattern, offset, message) in cases {
            assert_eq!(error(pattern), Error { offset, message: message.into() }, "{pattern:?}");
        }
        // Characters count, not bytes; Go's limits on the whole regexp are at its start.
        assert_eq!(error("é(").offset, 1);
        assert_eq!(error(&format!("{}{}", "(".repeat(1000), ")".repeat(1000))).message, "the regexp nests more than 1000 deep");
        assert_eq!(error(&"(xx?){1000}".repeat(1000)).message, "the regexp is too large for Go (over 3355443 instructions)");
        // Go merges alternatives of one character each into one class, so these are not too large.
        assert_eq!(check(&"((a|b|c|d|e|f|g|h){1000})".repeat(500)), Ok(()));
        // No longer regexp is checked.
        assert_eq!(check(&"a".repeat(MAX_LENGTH)), Ok(()));
        let message = "the regexp has more than 100000 characters, more than this function checks";
        assert_eq!(error(&"é".repeat(MAX_LENGTH + 1)), Error { offset: MAX_LENGTH, message: message.into() });
    }
}
