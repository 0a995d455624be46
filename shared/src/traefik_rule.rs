//! Traefik v3's HTTP router rules, parsed as Traefik parses them, so that a rule Traefik would
//! refuse fails at render time, with the character it fails at, instead of leaving a route
//! that never loads.
//!
//! Traefik reads a rule as a Go expression (`vulcand/predicate` over `go/parser`) and then
//! builds its matchers (`pkg/muxer/http`). What that accepts:
//!
//! ```text
//! rule     = or
//! or       = and { "||" and }
//! and      = unary { "&&" unary }
//! unary    = "!" unary | "(" or ")" | matcher
//! matcher  = name "(" [ argument { "," argument } [ "," ] ] ")"
//! argument = "`" raw text "`" | '"' Go string with escapes '"'
//! ```
//!
//! with spaces, tabs and line breaks between tokens, except that a line break right after a
//! name, an argument or `)` ends a Go expression, so there it is an error. `name` is one of
//! [`Kind::ALL`], spelled as documented, in lower case, in upper case or capitalised
//! (`Host`, `host`, `HOST`; `PathPrefix`, `pathprefix`, `PATHPREFIX`, `Pathprefix`). Each
//! matcher takes a fixed number of arguments ([`Kind::arity`]), none of them empty, and some
//! arguments are checked as Traefik checks them when it loads the route ([`check_matcher`]):
//! regexps as Go's `regexp` compiles them ([`regexp`]), with the character of the rule where
//! one goes wrong, so each argument keeps where its characters were written (`Argument`).
//! Go comments, which Traefik would skip, are not accepted: a `//` comment would swallow the
//! `)` that the function puts around the rule.

use std::fmt;
use std::net::IpAddr;

use crate::go_regexp as regexp;

/// Parentheses and `!` nest at most this deep (hostile input cannot exhaust the stack).
pub const MAX_DEPTH: usize = 100;

/// The HTTP methods `Method` accepts (in any case: Traefik upper-cases its argument). Traefik
/// itself takes any word, so this is stricter: a typo such as `FETCH` makes a route that never
/// matches.
pub const METHODS: [&str; 9] = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "CONNECT", "OPTIONS", "TRACE"];

/// A matcher of Traefik v3's HTTP routers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Host,
    HostRegexp,
    Path,
    PathPrefix,
    PathRegexp,
    Method,
    Header,
    HeaderRegexp,
    Query,
    QueryRegexp,
    ClientIP,
}

impl Kind {
    /// Every HTTP matcher of Traefik v3 (`httpFuncs` in `pkg/muxer/http/matcher.go`).
    pub const ALL: [Kind; 11] = [
        Kind::Host,
        Kind::HostRegexp,
        Kind::Path,
        Kind::PathPrefix,
        Kind::PathRegexp,
        Kind::Method,
        Kind::Header,
        Kind::HeaderRegexp,
        Kind::Query,
        Kind::QueryRegexp,
        Kind::ClientIP,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Kind::Host => "Host",
            Kind::HostRegexp => "HostRegexp",
            Kind::Path => "Path",
            Kind::PathPrefix => "PathPrefix",
            Kind::PathRegexp => "PathRegexp",
            Kind::Method => "Method",
            Kind::Header => "Header",
            Kind::HeaderRegexp => "HeaderRegexp",
            Kind::Query => "Query",
            Kind::QueryRegexp => "QueryRegexp",
            Kind::ClientIP => "ClientIP",
        }
    }

    /// How many arguments the matcher takes, at least and at most. In v3 every matcher takes
    /// one value (v2's ``Host(`a`, `b`)`` is ``Host(`a`) || Host(`b`)``); `Query` and
    /// `QueryRegexp` take a key and optionally a value.
    pub fn arity(self) -> (usize, usize) {
        match self {
            Kind::Header | Kind::HeaderRegexp => (2, 2),
            Kind::Query | Kind::QueryRegexp => (1, 2),
            _ => (1, 1),
        }
    }

    /// The names of the arguments, as the Traefik documentation writes them.
    fn parameters(self) -> &'static [&'static str] {
        match self {
            Kind::Host => &["domain"],
            Kind::HostRegexp | Kind::PathRegexp => &["regexp"],
            Kind::Path => &["path"],
            Kind::PathPrefix => &["prefix"],
            Kind::Method => &["method"],
            Kind::Header | Kind::Query => &["key", "value"],
            Kind::HeaderRegexp | Kind::QueryRegexp => &["key", "regexp"],
            Kind::ClientIP => &["ip"],
        }
    }

    /// The matcher a name in a rule stands for: Traefik registers each matcher as documented,
    /// in lower case, in upper case and capitalised (`pkg/rules/parser.go`).
    pub fn from_name(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|kind| {
            let documented = kind.name();
            let lower = documented.to_lowercase();
            let capitalised = lower[..1].to_uppercase() + &lower[1..];
            name == documented || name == lower || name == documented.to_uppercase() || name == capitalised
        })
    }
}

/// A parsed rule. `&&` and `||` chains are flat, so a long chain does not nest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Rule {
    Matcher { kind: Kind, args: Vec<String> },
    Not(Box<Rule>),
    And(Vec<Rule>),
    Or(Vec<Rule>),
}

impl Rule {
    /// Whether a matcher of `kind` occurs anywhere in the rule (negated or not).
    pub fn uses(&self, kind: Kind) -> bool {
        match self {
            Rule::Matcher { kind: k, .. } => *k == kind,
            Rule::Not(rule) => rule.uses(kind),
            Rule::And(rules) | Rule::Or(rules) => rules.iter().any(|r| r.uses(kind)),
        }
    }
}

/// The rule with every operator's operands in parentheses and every argument backquoted when it
/// can be (double-quoted otherwise): how tests show what a rule was parsed as.
impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        let list = |f: &mut fmt::Formatter, rules: &[Rule], operator: &str| {
            let parts: Vec<String> = rules.iter().map(Rule::to_string).collect();
            write!(f, "({})", parts.join(operator))
        };
        match self {
            Rule::Matcher { kind, args } => {
                let args: Vec<String> = args
                    .iter()
                    .map(|a| match a.contains(['`', '\r']) {
                        false => format!("`{a}`"),
                        true => format!("{a:?}"),
                    })
                    .collect();
                write!(f, "{}({})", kind.name(), args.join(", "))
            }
            Rule::Not(rule) => write!(f, "!{rule}"),
            Rule::And(rules) => list(f, rules, " && "),
            Rule::Or(rules) => list(f, rules, " || "),
        }
    }
}

/// Why a rule is not one Traefik accepts, at a 1-based character position of the rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    pub position: usize,
    pub message: String,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "at character {}: {}", self.position, self.message)
    }
}

/// Parses `rule` as Traefik v3 does, and checks its matchers' arguments as Traefik does when
/// it loads the route. The first problem, by position, is the error.
pub fn parse(rule: &str) -> Result<Rule, Error> {
    let mut parser = Parser { lexer: Lexer { chars: rule.chars().collect(), at: 0, ends_line: false }, look: Token::start(), depth: 0 };
    parser.advance()?;
    let parsed = parser.or()?;
    match parser.look.tok {
        Tok::End => Ok(parsed),
        _ => Err(parser.unexpected(r#"expected "&&", "||" or the end of the rule"#)),
    }
}

/// Checks one matcher's arguments as Traefik does when it loads the route. `position` is the
/// 0-based position of the matcher's name.
fn check_matcher(kind: Kind, args: &[Argument], position: usize) -> Result<(), Error> {
    let name = kind.name();
    let (min, max) = kind.arity();
    if args.len() < min || args.len() > max {
        let count = match (min, max) {
            (1, 1) => "1 argument".to_string(),
            (min, max) if min == max => format!("{min} arguments"),
            (min, max) => format!("{min} or {max} arguments"),
        };
        let parameters = kind.parameters();
        let parameters = match min < max {
            true => format!("{}[, {}]", parameters[..min].join(", "), parameters[min..].join(", ")),
            false => parameters.join(", "),
        };
        let got = match args.len() {
            0 => "none".to_string(),
            n => n.to_string(),
        };
        let mut message = format!("{name} takes {count} ({parameters}), got {got}");
        if max == 1 && args.len() > 1 {
            message.push_str(&format!(": Traefik v3 matchers take one value each, write {name}(`a`) || {name}(`b`) for several"));
        }
        return Err(Error { position: position + 1, message });
    }
    let fail = |i: usize, message: String| Err(Error { position: args[i].at + 1, message });
    for (i, Argument { value: arg, .. }) in args.iter().enumerate() {
        let parameter = kind.parameters()[i];
        if arg.is_empty() {
            return fail(i, format!("the {parameter} of {name} must not be empty"));
        }
        match kind {
            Kind::Path | Kind::PathPrefix if !arg.starts_with('/') => {
                return fail(i, format!(r#"the {parameter} of {name} must start with "/", got {arg:?}"#));
            }
            Kind::Host | Kind::HostRegexp if !arg.is_ascii() => {
                let hint = "use the punycode form of an international domain, as in xn--bcher-kva.example";
                return fail(i, format!("the {parameter} of {name} must be ASCII ({hint}), got {arg:?}"));
            }
            Kind::Method if !METHODS.contains(&arg.to_uppercase().as_str()) => {
                return fail(i, format!("the {parameter} of {name} must be an HTTP method ({}), got {arg:?}", METHODS.join(", ")));
            }
            Kind::ClientIP if !is_ip_or_cidr(arg) => {
                let examples = "such as 10.1.2.3, 10.0.0.0/8 or fd00::/8";
                return fail(i, format!("the {parameter} of {name} must be an IP address or a CIDR range ({examples}), got {arg:?}"));
            }
            _ => {}
        }
        if parameter == "regexp" {
            check_regexp(kind, &args[i])?;
        }
    }
    Ok(())
}

/// Traefik compiles a regexp argument with Go's `regexp` (see [`regexp`]); the error is at the
/// character of the rule where the regexp goes wrong.
fn check_regexp(kind: Kind, argument: &Argument) -> Result<(), Error> {
    let fail = |offset: usize, message: &str| {
        let message = format!("the regexp of {} does not compile in Go: {message}", kind.name());
        Err(Error { position: argument.place(offset) + 1, message })
    };
    if let Some(offset) = argument.invalid_utf8 {
        return fail(offset, "escapes here make bytes that are not UTF-8, which Go's regexp refuses");
    }
    regexp::check(&argument.value).or_else(|e| fail(e.offset, &e.message))
}

/// What Traefik's IP checker accepts: an address (Go's `net.ParseIP`) or a range (`net.ParseCIDR`,
/// whose prefix is decimal digits up to the address's bits; host bits may be set).
pub fn is_ip_or_cidr(text: &str) -> bool {
    let (address, prefix) = match text.split_once('/') {
        Some((address, prefix)) => (address, Some(prefix)),
        None => (text, None),
    };
    let Ok(address) = address.parse::<IpAddr>() else { return false };
    match prefix {
        None => true,
        Some(prefix) => {
            let bits = if address.is_ipv4() { 32 } else { 128 };
            !prefix.is_empty() && prefix.bytes().all(|b| b.is_ascii_digit()) && prefix.parse::<u32>().is_ok_and(|p| p <= bits)
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Tokens

#[derive(Clone, Debug, PartialEq, Eq)]
enum Tok {
    /// A name: letters, digits and `_`.
    Word(String),
    Str(Argument),
    AndAnd,
    OrOr,
    Not,
    Open,
    Close,
    Comma,
    /// A line break after a name, an argument or `)`, where Go ends the expression.
    LineBreak,
    /// Any other character.
    Other(char),
    End,
}

#[derive(Clone, Debug)]
struct Token {
    tok: Tok,
    /// 0-based character position.
    at: usize,
}

impl Token {
    fn start() -> Token {
        Token { tok: Tok::End, at: 0 }
    }

    /// The token as an error message's "got ...".
    fn describe(&self) -> String {
        match &self.tok {
            Tok::Word(word) => format!("{word:?}"),
            Tok::Str(argument) => format!("the argument {}", argument.text),
            Tok::AndAnd => r#""&&""#.into(),
            Tok::OrOr => r#""||""#.into(),
            Tok::Not => r#""!""#.into(),
            Tok::Open => r#""(""#.into(),
            Tok::Close => r#"")""#.into(),
            Tok::Comma => r#"",""#.into(),
            Tok::LineBreak => {
                r#"a line break, which ends the rule after a name, an argument or ")" (Traefik reads rules as Go): break the line after an operator, "(" or ",""#.into()
            }
            Tok::Other('\'') => r#""'" (Traefik does not accept single quotes)"#.into(),
            Tok::Other(c) => format!("{:?}", c.to_string()),
            Tok::End => "the end of the rule".into(),
        }
    }
}

/// A quoted argument.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Argument {
    /// Its value: the text between the quotes, escapes read.
    value: String,
    /// For each character of `value`, the 0-based position in the rule it was written at.
    places: Vec<usize>,
    /// The first character of `value` that stands for bytes that are not UTF-8 (written as
    /// escapes such as `\xff`): Go keeps those bytes, and its `regexp` refuses them.
    invalid_utf8: Option<usize>,
    /// Its text as written, quotes included.
    text: String,
    /// The 0-based position of its opening quote.
    at: usize,
}

impl Argument {
    /// The value of an interpreted string's bytes, each written at `places`: a run of bytes
    /// that is not UTF-8 becomes one U+FFFD, as `String::from_utf8_lossy` makes it.
    fn from_bytes(bytes: &[u8], places: &[usize]) -> Argument {
        let mut argument = Argument { value: String::new(), places: Vec::new(), invalid_utf8: None, text: String::new(), at: 0 };
        let mut offset = 0;
        for chunk in bytes.utf8_chunks() {
            for (i, c) in chunk.valid().char_indices() {
                argument.value.push(c);
                argument.places.push(places[offset + i]);
            }
            offset += chunk.valid().len();
            if !chunk.invalid().is_empty() {
                argument.invalid_utf8 = argument.invalid_utf8.or(Some(argument.places.len()));
                argument.value.push(char::REPLACEMENT_CHARACTER);
                argument.places.push(places[offset]);
                offset += chunk.invalid().len();
            }
        }
        argument
    }

    /// The 0-based position in the rule of the value's character `offset`, or of the closing
    /// quote past its end.
    fn place(&self, offset: usize) -> usize {
        self.places.get(offset).copied().unwrap_or(self.at + self.text.chars().count() - 1)
    }
}

struct Lexer {
    chars: Vec<char>,
    /// 0-based position of the next character.
    at: usize,
    /// Whether the last token ends a line in Go (a name, an argument, `)`).
    ends_line: bool,
}

impl Lexer {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.at).copied()
    }

    fn next(&mut self) -> Result<Token, Error> {
        let mut line_break = None;
        while let Some(c @ (' ' | '\t' | '\r' | '\n')) = self.peek() {
            if c == '\n' && self.ends_line && line_break.is_none() {
                line_break = Some(self.at);
            }
            self.at += 1;
        }
        let start = self.at;
        if let Some(at) = line_break.filter(|_| self.peek().is_some()) {
            self.ends_line = false;
            return Ok(Token { tok: Tok::LineBreak, at });
        }
        let Some(c) = self.peek() else { return Ok(Token { tok: Tok::End, at: start }) };
        self.at += 1;
        let tok = match c {
            '&' if self.peek() == Some('&') => {
                self.at += 1;
                Tok::AndAnd
            }
            '|' if self.peek() == Some('|') => {
                self.at += 1;
                Tok::OrOr
            }
            '!' => Tok::Not,
            '(' => Tok::Open,
            ')' => Tok::Close,
            ',' => Tok::Comma,
            '`' => self.raw(start)?,
            '"' => self.interpreted(start)?,
            c if c.is_alphanumeric() || c == '_' => {
                while self.peek().is_some_and(|c| c.is_alphanumeric() || c == '_') {
                    self.at += 1;
                }
                Tok::Word(self.chars[start..self.at].iter().collect())
            }
            c => Tok::Other(c),
        };
        self.ends_line = matches!(tok, Tok::Word(_) | Tok::Str(_) | Tok::Close);
        Ok(Token { tok, at: start })
    }

    fn text(&self, start: usize) -> String {
        self.chars[start..self.at].iter().collect()
    }

    /// The error of an argument opened at `start` and not closed where the lexer is.
    fn unclosed(&self, start: usize, quote: &str, got: &str) -> Error {
        let message = format!("expected a closing {quote:?} for the argument at character {}, got {got}", start + 1);
        Error { position: self.at + 1, message }
    }

    /// Characters Go refuses anywhere in its source.
    fn check_allowed(&self, c: char) -> Result<(), Error> {
        match c {
            '\0' | '\u{feff}' => {
                let name = if c == '\0' { "a NUL character" } else { "a byte order mark" };
                Err(Error { position: self.at + 1, message: format!("{name} is not allowed in a rule") })
            }
            _ => Ok(()),
        }
    }

    /// `` `...` ``: the text as it is, without carriage returns (Go's raw string literal).
    fn raw(&mut self, start: usize) -> Result<Tok, Error> {
        let (mut value, mut places) = (String::new(), Vec::new());
        loop {
            match self.peek() {
                None => return Err(self.unclosed(start, "`", "the end of the rule")),
                Some('`') => break,
                Some('\r') => {}
                Some(c) => {
                    self.check_allowed(c)?;
                    value.push(c);
                    places.push(self.at);
                }
            }
            self.at += 1;
        }
        self.at += 1;
        Ok(Tok::Str(Argument { value, places, invalid_utf8: None, text: self.text(start), at: start }))
    }

    /// `"..."`: Go's interpreted string literal, with its escapes.
    fn interpreted(&mut self, start: usize) -> Result<Tok, Error> {
        // Each byte of the value, and where the character or escape it came from was written.
        let (mut bytes, mut places) = (Vec::new(), Vec::new());
        loop {
            let at = self.at;
            match self.peek() {
                None => return Err(self.unclosed(start, "\"", "the end of the rule")),
                Some('\n') => return Err(self.unclosed(start, "\"", "a line break (use `...` for text over several lines)")),
                Some('"') => break,
                Some('\\') => self.escape(&mut bytes)?,
                Some(c) => {
                    self.check_allowed(c)?;
                    bytes.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
                    self.at += 1;
                }
            }
            places.resize(bytes.len(), at);
        }
        self.at += 1;
        let mut argument = Argument::from_bytes(&bytes, &places);
        (argument.text, argument.at) = (self.text(start), start);
        Ok(Tok::Str(argument))
    }

    /// One escape at `\`, as Go reads it in a string literal.
    fn escape(&mut self, bytes: &mut Vec<u8>) -> Result<(), Error> {
        let backslash = self.at;
        // `n` digits in `radix` from `from` characters after the backslash.
        let digits = |lexer: &Lexer, from: usize, n: usize, radix: u32| -> Option<u32> {
            let text: String = lexer.chars.get(backslash + from..backslash + from + n)?.iter().collect();
            text.chars().all(|c| c.is_digit(radix)).then(|| u32::from_str_radix(&text, radix).ok()).flatten()
        };
        let simple = |c: char| match c {
            'a' => Some(7),
            'b' => Some(8),
            'f' => Some(12),
            'n' => Some(b'\n'),
            'r' => Some(b'\r'),
            't' => Some(b'\t'),
            'v' => Some(11),
            '\\' => Some(b'\\'),
            '"' => Some(b'"'),
            _ => None,
        };
        let next = self.chars.get(backslash + 1).copied();
        let (length, value) = match next {
            Some(c) if simple(c).is_some() => (2, simple(c).map(|b| vec![b])),
            Some('x') => (4, digits(self, 2, 2, 16).map(|b| vec![b as u8])),
            Some('0'..='7') => (4, digits(self, 1, 3, 8).filter(|b| *b <= 255).map(|b| vec![b as u8])),
            Some(u @ ('u' | 'U')) => {
                let n = if u == 'u' { 4 } else { 8 };
                let c = digits(self, 2, n, 16).and_then(char::from_u32);
                (2 + n, c.map(|c| c.encode_utf8(&mut [0; 4]).as_bytes().to_vec()))
            }
            _ => (2, None),
        };
        match value {
            Some(value) => {
                bytes.extend(value);
                self.at += length;
                Ok(())
            }
            None => {
                // What was written, up to the end of the argument.
                let written: String = self.chars[backslash..].iter().take(length).take_while(|c| **c != '"').collect();
                let known = r#"\\, \", \n, \t, \r, \a, \b, \f, \v, \xHH, \NNN (octal), \uHHHH or \UHHHHHHHH"#;
                Err(Error { position: backslash + 1, message: format!("expected an escape Traefik accepts ({known}), got {written:?}") })
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Parser

struct Parser {
    lexer: Lexer,
    /// The next token, not consumed yet.
    look: Token,
    /// How deep in parentheses and `!` the parser is.
    depth: usize,
}

impl Parser {
    fn advance(&mut self) -> Result<(), Error> {
        self.look = self.lexer.next()?;
        Ok(())
    }

    fn unexpected(&self, expected: &str) -> Error {
        let got = match self.look.tok {
            Tok::Close if expected.ends_with("the end of the rule") => r#"")", which closes no "(""#.to_string(),
            _ => self.look.describe(),
        };
        Error { position: self.look.at + 1, message: format!("{expected}, got {got}") }
    }

    fn or(&mut self) -> Result<Rule, Error> {
        let mut rules = vec![self.and()?];
        while self.look.tok == Tok::OrOr {
            self.advance()?;
            rules.push(self.and()?);
        }
        Ok(if rules.len() == 1 { rules.remove(0) } else { Rule::Or(rules) })
    }

    fn and(&mut self) -> Result<Rule, Error> {
        let mut rules = vec![self.unary()?];
        while self.look.tok == Tok::AndAnd {
            self.advance()?;
            rules.push(self.unary()?);
        }
        Ok(if rules.len() == 1 { rules.remove(0) } else { Rule::And(rules) })
    }

    fn unary(&mut self) -> Result<Rule, Error> {
        match &self.look.tok {
            Tok::Not => self.nested(|p| Ok(Rule::Not(Box::new(p.unary()?)))),
            Tok::Open => {
                let open = self.look.at;
                self.nested(|p| {
                    let rule = p.or()?;
                    match p.look.tok {
                        Tok::Close => p.advance().map(|()| rule),
                        _ => Err(p.unexpected(&format!(r#"expected "&&", "||" or ")" to close the "(" at character {}"#, open + 1))),
                    }
                })
            }
            Tok::Word(name) => {
                let name = name.clone();
                self.matcher(&name)
            }
            _ => Err(self.unexpected(r#"expected a matcher, "!" or "(""#)),
        }
    }

    /// Consumes `!` or `(` and parses what it applies to, one level deeper.
    fn nested(&mut self, inner: impl FnOnce(&mut Parser) -> Result<Rule, Error>) -> Result<Rule, Error> {
        if self.depth == MAX_DEPTH {
            return Err(Error { position: self.look.at + 1, message: format!(r#"rules nest at most {MAX_DEPTH} deep ("(" and "!")"#) });
        }
        self.depth += 1;
        self.advance()?;
        let rule = inner(self);
        self.depth -= 1;
        rule
    }

    fn matcher(&mut self, name: &str) -> Result<Rule, Error> {
        let position = self.look.at;
        let Some(kind) = Kind::from_name(name) else {
            let message = match crate::schema::did_you_mean(name, Kind::ALL.map(Kind::name)) {
                Some(known) => format!("{name:?} is not a Traefik matcher, did you mean {known:?}?"),
                None => {
                    let all: Vec<&str> = Kind::ALL.map(Kind::name).to_vec();
                    format!("{name:?} is not a Traefik matcher (Traefik v3's HTTP matchers: {})", all.join(", "))
                }
            };
            return Err(Error { position: position + 1, message });
        };
        self.advance()?;
        if self.look.tok != Tok::Open {
            return Err(self.unexpected(&format!(r#"expected "(" after {name}"#)));
        }
        self.advance()?;
        let mut args = Vec::new();
        loop {
            match &self.look.tok {
                Tok::Close if args.is_empty() => break,
                Tok::Str(argument) => {
                    args.push(argument.clone());
                    self.advance()?;
                    match self.look.tok {
                        Tok::Close => break,
                        Tok::Comma => self.advance()?,
                        _ => return Err(self.unexpected(r#"expected "," or ")""#)),
                    }
                    // Go allows a comma after the last argument.
                    if self.look.tok == Tok::Close {
                        break;
                    }
                }
                _ => return Err(self.unexpected(r#"expected a quoted argument (`...` or "...")"#)),
            }
        }
        check_matcher(kind, &args, position)?;
        self.advance()?;
        Ok(Rule::Matcher { kind, args: args.into_iter().map(|argument| argument.value).collect() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The rule as parsed, fully parenthesised.
    fn parsed(rule: &str) -> String {
        parse(rule).unwrap_or_else(|e| panic!("{rule:?}: {e}")).to_string()
    }

    fn error(rule: &str) -> String {
        match parse(rule) {
            Ok(parsed) => panic!("{rule:?} parsed as {parsed}"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn every_matcher_with_its_arguments() {
        for rule in [
            "Host(`a.example.com`)",
            "HostRegexp(`^.+\\.example\\.com$`)",
            "Path(`/products`)",
            "PathPrefix(`/`)",
            "PathRegexp(`\\.(jpeg|jpg|png)$`)",
            "Method(`OPTIONS`)",
            "Header(`Content-Type`, `application/yaml`)",
            "HeaderRegexp(`Content-Type`, `(?i)^application/(json|yaml)$`)",
            "Query(`mobile`, `true`)",
            "Query(`mobile`)",
            "QueryRegexp(`mobile`, `^(true|yes)$`)",
            "QueryRegexp(`mobile`)",
            "ClientIP(`10.76.105.11`)",
            "ClientIP(`192.168.0.0/16`)",
            "ClientIP(`::1`)",
            "ClientIP(`fd00::/8`)",
            "ClientIP(`10.0.0.1/08`)",
        ] {
            assert_eq!(parsed(rule), rule);
        }
    }

    #[test]
    fn operators_precedence_negation_and_nesting() {
        assert_eq!(parsed("Path(`/a`) || Path(`/b`) && Path(`/c`)"), "(Path(`/a`) || (Path(`/b`) && Path(`/c`)))");
        assert_eq!(parsed("Path(`/a`) && Path(`/b`) || Path(`/c`)"), "((Path(`/a`) && Path(`/b`)) || Path(`/c`))");
        assert_eq!(parsed("(Path(`/a`) || Path(`/b`)) && Path(`/c`)"), "((Path(`/a`) || Path(`/b`)) && Path(`/c`))");
        assert_eq!(parsed("Path(`/a`) || Path(`/b`) || Path(`/c`)"), "(Path(`/a`) || Path(`/b`) || Path(`/c`))");
        assert_eq!(parsed("!Path(`/a`) && !!Method(`GET`)"), "(!Path(`/a`) && !!Method(`GET`))");
        assert_eq!(parsed("!(Path(`/a`) || Path(`/b`))"), "!(Path(`/a`) || Path(`/b`))");
        assert_eq!(parsed("((((Path(`/a`)))))"), "Path(`/a`)");
        assert_eq!(
            parsed("PathPrefix(`/api`) && (Method(`GET`) || Method(`HEAD`)) && !Header(`X-Internal`, `1`)"),
            "(PathPrefix(`/api`) && (Method(`GET`) || Method(`HEAD`)) && !Header(`X-Internal`, `1`))"
        );
        // Spaces, tabs and line breaks between tokens, except where Go ends a line.
        assert_eq!(parsed(" \tPath ( `/a` ) &&\n\tPath(\n`/b`,\n)\n"), "(Path(`/a`) && Path(`/b`))");
        // A long chain does not nest.
        let long = vec!["Path(`/a`)"; 10_000].join(" || ");
        assert!(matches!(parse(&long), Ok(Rule::Or(rules)) if rules.len() == 10_000));
        assert!(parse(&format!("{}Path(`/a`){}", "(".repeat(MAX_DEPTH), ")".repeat(MAX_DEPTH))).is_ok());
    }

    #[test]
    fn quotes_escapes_and_spellings() {
        assert_eq!(parsed(r#"Path("/a")"#), "Path(`/a`)");
        assert_eq!(parsed(r#"Header("X-Quote", "say \"hi\"\t\\ \x41\101\u00e9\U0001F600")"#), "Header(`X-Quote`, `say \"hi\"\t\\ AAé😀`)");
        // Raw strings keep backslashes as they are and drop carriage returns.
        assert_eq!(parsed("PathRegexp(`^/a\\d+\r$`)"), "PathRegexp(`^/a\\d+$`)");
        assert_eq!(parsed(r#"Header("X-Tick", "`")"#), r#"Header(`X-Tick`, "`")"#);
        assert_eq!(parsed("Path(`/a`,)"), "Path(`/a`)");
        assert_eq!(parsed("path(`/a`) && PATHPREFIX(`/b`) && Pathprefix(`/c`) && clientip(`::1`) && method(`get`)"), {
            "(Path(`/a`) && PathPrefix(`/b`) && PathPrefix(`/c`) && ClientIP(`::1`) && Method(`get`))"
        });
        let rule = parse("Host(`a.example.com`) && Path(`/a`)").unwrap();
        assert!(rule.uses(Kind::Host) && rule.uses(Kind::Path) && !rule.uses(Kind::HostRegexp));
        assert!(parse("!(Path(`/a`) || HostRegexp(`a`))").unwrap().uses(Kind::HostRegexp));
    }

    #[test]
    fn syntax_errors_name_the_character_and_what_was_expected() {
        let cases = [
            ("Path(/hello)", r#"at character 6: expected a quoted argument (`...` or "..."), got "/""#),
            (
                "hello world",
                r#"at character 1: "hello" is not a Traefik matcher (Traefik v3's HTTP matchers: Host, HostRegexp, Path, PathPrefix, PathRegexp, Method, Header, HeaderRegexp, Query, QueryRegexp, ClientIP)"#,
            ),
            ("Path(`/a`) &&", r#"at character 14: expected a matcher, "!" or "(", got the end of the rule"#),
            ("PathPrefx(`/a`)", r#"at character 1: "PathPrefx" is not a Traefik matcher, did you mean "PathPrefix"?"#),
            ("Path(`/a`) && pathPrefix(`/b`)", r#"at character 15: "pathPrefix" is not a Traefik matcher, did you mean "PathPrefix"?"#),
            ("Headers(`a`, `b`)", r#"at character 1: "Headers" is not a Traefik matcher, did you mean "Header"?"#),
            ("Path(`/a`) Path(`/b`)", r#"at character 12: expected "&&", "||" or the end of the rule, got "Path""#),
            ("Path(`/a`) and Path(`/b`)", r#"at character 12: expected "&&", "||" or the end of the rule, got "and""#),
            ("Path(`/a`) & Path(`/b`)", r#"at character 12: expected "&&", "||" or the end of the rule, got "&""#),
            ("Path(`/a`))", r#"at character 11: expected "&&", "||" or the end of the rule, got ")", which closes no "(""#),
            (
                "(Path(`/a`) || Path(`/b`)",
                r#"at character 26: expected "&&", "||" or ")" to close the "(" at character 1, got the end of the rule"#,
            ),
            ("Path", r#"at character 5: expected "(" after Path, got the end of the rule"#),
            ("Path(`/a` `/b`)", r#"at character 11: expected "," or ")", got the argument `/b`"#),
            ("Path(`/a`", r#"at character 10: expected "," or ")", got the end of the rule"#),
            ("Path(`/a)", r#"at character 10: expected a closing "`" for the argument at character 6, got the end of the rule"#),
            ("Path(\"/a)", r#"at character 10: expected a closing "\"" for the argument at character 6, got the end of the rule"#),
            (
                "Path(\"/a\n\")",
                r#"at character 9: expected a closing "\"" for the argument at character 6, got a line break (use `...` for text over several lines)"#,
            ),
            (
                "Path('/a')",
                r#"at character 6: expected a quoted argument (`...` or "..."), got "'" (Traefik does not accept single quotes)"#,
            ),
            ("Path(,)", r#"at character 6: expected a quoted argument (`...` or "..."), got ",""#),
            ("Path(42)", r#"at character 6: expected a quoted argument (`...` or "..."), got "42""#),
            ("Path(Host(`a`))", r#"at character 6: expected a quoted argument (`...` or "..."), got "Host""#),
            ("`/a`", r#"at character 1: expected a matcher, "!" or "(", got the argument `/a`"#),
            ("!", r#"at character 2: expected a matcher, "!" or "(", got the end of the rule"#),
            ("Path(`/a`) // the root", r#"at character 12: expected "&&", "||" or the end of the rule, got "/""#),
            (
                r#"Path("/a\q")"#,
                r#"at character 9: expected an escape Traefik accepts (\\, \", \n, \t, \r, \a, \b, \f, \v, \xHH, \NNN (octal), \uHHHH or \UHHHHHHHH), got "\\q""#,
            ),
            (
                r#"Path("/a\'")"#,
                r#"at character 9: expected an escape Traefik accepts (\\, \", \n, \t, \r, \a, \b, \f, \v, \xHH, \NNN (octal), \uHHHH or \UHHHHHHHH), got "\\'""#,
            ),
            (
                r#"Path("/\x4")"#,
                r#"at character 8: expected an escape Traefik accepts (\\, \", \n, \t, \r, \a, \b, \f, \v, \xHH, \NNN (octal), \uHHHH or \UHHHHHHHH), got "\\x4""#,
            ),
            (
                r#"Path("/\400")"#,
                r#"at character 8: expected an escape Traefik accepts (\\, \", \n, \t, \r, \a, \b, \f, \v, \xHH, \NNN (octal), \uHHHH or \UHHHHHHHH), got "\\400""#,
            ),
            (
                r#"Path("/\ud800")"#,
                r#"at character 8: expected an escape Traefik accepts (\\, \", \n, \t, \r, \a, \b, \f, \v, \xHH, \NNN (octal), \uHHHH or \UHHHHHHHH), got "\\ud800""#,
            ),
            ("Path(`/a\0`)", "at character 9: a NUL character is not allowed in a rule"),
        ];
        for (rule, expected) in cases {
            assert_eq!(error(rule), expected, "{rule:?}");
        }
        // Where Go ends a line, a line break ends the rule.
        let line_break = r#"a line break, which ends the rule after a name, an argument or ")" (Traefik reads rules as Go): break the line after an operator, "(" or ",""#;
        for (rule, at, expected) in [
            ("Path(`/a`)\n&& Path(`/b`)", 11, r#"expected "&&", "||" or the end of the rule"#),
            ("Path(`/a`\n)", 10, r#"expected "," or ")""#),
            ("Path\n(`/a`)", 5, r#"expected "(" after Path"#),
            ("(Path(`/a`)\n)", 12, r#"expected "&&", "||" or ")" to close the "(" at character 1"#),
        ] {
            assert_eq!(error(rule), format!("at character {at}: {expected}, got {line_break}"), "{rule:?}");
        }
        let deep = format!("{}Path(`/a`){}", "(".repeat(MAX_DEPTH + 1), ")".repeat(MAX_DEPTH + 1));
        assert_eq!(error(&deep), r#"at character 101: rules nest at most 100 deep ("(" and "!")"#);
        assert_eq!(error(&"!".repeat(100_000)), r#"at character 101: rules nest at most 100 deep ("(" and "!")"#);
    }

    #[test]
    fn arguments_traefik_refuses_when_it_loads_the_route() {
        let cases = [
            (
                "Host(`a.example.com`, `b.example.com`)",
                "at character 1: Host takes 1 argument (domain), got 2: Traefik v3 matchers take one value each, write Host(`a`) || Host(`b`) for several",
            ),
            (
                "Method(`GET`, `POST`)",
                "at character 1: Method takes 1 argument (method), got 2: Traefik v3 matchers take one value each, write Method(`a`) || Method(`b`) for several",
            ),
            ("Path()", "at character 1: Path takes 1 argument (path), got none"),
            ("Path(`/a`) && Header(`X-Env`)", "at character 15: Header takes 2 arguments (key, value), got 1"),
            ("Query(`a`, `b`, `c`)", "at character 1: Query takes 1 or 2 arguments (key[, value]), got 3"),
            ("Path(``)", "at character 6: the path of Path must not be empty"),
            ("Header(`X-Env`, ``)", "at character 17: the value of Header must not be empty"),
            ("HostRegexp(``)", "at character 12: the regexp of HostRegexp must not be empty"),
            ("PathRegexp(\"\")", "at character 12: the regexp of PathRegexp must not be empty"),
            ("QueryRegexp(``, `^a$`)", "at character 13: the key of QueryRegexp must not be empty"),
            ("Path(`hello`)", r#"at character 6: the path of Path must start with "/", got "hello""#),
            ("PathPrefix(`api/`)", r#"at character 12: the prefix of PathPrefix must start with "/", got "api/""#),
            (
                "Host(`bücher.example`)",
                r#"at character 6: the domain of Host must be ASCII (use the punycode form of an international domain, as in xn--bcher-kva.example), got "bücher.example""#,
            ),
            (
                "Method(`FETCH`)",
                r#"at character 8: the method of Method must be an HTTP method (GET, HEAD, POST, PUT, PATCH, DELETE, CONNECT, OPTIONS, TRACE), got "FETCH""#,
            ),
            (
                "ClientIP(`10.0.0.300`)",
                r#"at character 10: the ip of ClientIP must be an IP address or a CIDR range (such as 10.1.2.3, 10.0.0.0/8 or fd00::/8), got "10.0.0.300""#,
            ),
            (
                "ClientIP(`10.0.0.0/33`)",
                r#"at character 10: the ip of ClientIP must be an IP address or a CIDR range (such as 10.1.2.3, 10.0.0.0/8 or fd00::/8), got "10.0.0.0/33""#,
            ),
            (
                "ClientIP(`10.0.0.0/+8`)",
                r#"at character 10: the ip of ClientIP must be an IP address or a CIDR range (such as 10.1.2.3, 10.0.0.0/8 or fd00::/8), got "10.0.0.0/+8""#,
            ),
            (
                "ClientIP(`vpn`)",
                r#"at character 10: the ip of ClientIP must be an IP address or a CIDR range (such as 10.1.2.3, 10.0.0.0/8 or fd00::/8), got "vpn""#,
            ),
        ];
        for (rule, expected) in cases {
            assert_eq!(error(rule), expected, "{rule:?}");
        }
        // Characters count as characters, not bytes.
        assert_eq!(error("Path(`/é`) && Path(`x`)"), r#"at character 20: the path of Path must start with "/", got "x""#);
    }

    /// Values and verdicts of Traefik's own tests of the regexp matchers: traefik/traefik,
    /// `pkg/muxer/http/matcher_test.go` at commit fd5a576df2e8aeb0bfc8a96b6ef6e60a61f7ec0a
    /// (`TestHostRegexpMatcher`, `TestPathRegexpMatcher`, `TestHeaderRegexpMatcher`,
    /// `TestQueryRegexpMatcher`: the rules whose router fails to build, and those that build).
    #[test]
    fn traefik_regexp_matcher_tests() {
        let refused = [
            "HostRegexp()",
            "HostRegexp(``)",
            "HostRegexp(`🦭.com`)",
            "HostRegexp(`(example.com`)",
            "HostRegexp(`example.com`, `example.org`)",
            "PathRegexp()",
            "PathRegexp(``)",
            "PathRegexp(`/(css`)",
            "PathRegexp(`/css`, `/js`)",
            "HeaderRegexp()",
            "HeaderRegexp(`X-Forwarded-Host`)",
            "HeaderRegexp(`X-Forwarded-Host`, ``)",
            "HeaderRegexp(``, `example.com`)",
            "HeaderRegexp(`X-Forwarded-Host`,`(example.com`)",
            "HeaderRegexp(`X-Forwarded-Host`, `example.com`, `example.org`)",
            "QueryRegexp()",
            "QueryRegexp(``)",
            "QueryRegexp(`q`, `(traefik`)",
            "QueryRegexp(`q`, `traefik`, `proxy`)",
        ];
        let accepted = [
            r"HostRegexp(`^[a-zA-Z-]+\.com$`)",
            r"HostRegexp(`^[A-Z]+\.com$`)",
            r"HostRegexp(`{domain:[a-zA-Z-]+\.com}`)",
            "PathRegexp(`^/(css|js)`)",
            r#"PathRegexp("/{path:(css|js)}")"#,
            "HeaderRegexp(`X-Forwarded-Proto`, `^https?$`)",
            "HeaderRegexp(`x-forwarded-proto`, `^https?$`)",
            "HeaderRegexp(`X-Forwarded-Proto`, `http{secure:s?}`)",
            "QueryRegexp(`q`, `^(traefik|nginx)$`)",
            "QueryRegexp(`q`, `^.*$`)",
            "QueryRegexp(`q`, `{value:(traefik|nginx)}`)",
        ];
        for rule in refused {
            assert!(parse(rule).is_err(), "{rule:?} should be refused");
        }
        for rule in accepted {
            assert!(parse(rule).is_ok(), "{rule:?}: {:?}", parse(rule));
        }
        assert_eq!(refused.len() + accepted.len(), 30);
    }

    #[test]
    fn regexps_compile_as_go_compiles_them_with_the_character_where_they_fail() {
        let cases = [
            ("PathRegexp(`(example.com`)", 13, "PathRegexp", r#""(" is never closed"#),
            (
                "Path(`/a`) && HeaderRegexp(`X-A`, `^a+*$`)",
                39,
                "HeaderRegexp",
                r#""*" follows another repetition operator, which Go refuses (group the first, as in (?:a+)*)"#,
            ),
            ("QueryRegexp(`q`, `[z-a]`)", 20, "QueryRegexp", r#"the range "z-a" goes backwards"#),
            ("HostRegexp(`^(?<=www\\.)example`)", 14, "HostRegexp", r#""(?<=": Go's regexp has no look-ahead or look-behind"#),
            // Where an escape or a dropped carriage return stands, the character is where it was written.
            (r#"PathRegexp("^/\\d+\\.(")"#, 22, "PathRegexp", r#""(" is never closed"#),
            ("PathRegexp(`a\r(`)", 15, "PathRegexp", r#""(" is never closed"#),
            (r#"PathRegexp("/\xff")"#, 14, "PathRegexp", "escapes here make bytes that are not UTF-8, which Go's regexp refuses"),
        ];
        for (rule, at, kind, expected) in cases {
            assert_eq!(error(rule), format!("at character {at}: the regexp of {kind} does not compile in Go: {expected}"), "{rule:?}");
        }
        // Go's parser tests of bytes that are not UTF-8, written as escapes (see `regexp`'s tests).
        for rule in [r#"PathRegexp("\xff")"#, r#"PathRegexp("[\xff]")"#, r#"PathRegexp("[\\\xff]")"#, r#"PathRegexp("\\\xff")"#] {
            assert!(error(rule).contains("not UTF-8"), "{rule:?}");
        }
        // Bytes that make UTF-8 are fine; keys are no regexps; HostRegexp is ASCII first.
        for rule in [r#"PathRegexp("/caf\xc3\xa9")"#, "QueryRegexp(`(`)", "QueryRegexp(`(`, `a`)", "HeaderRegexp(`(`, `a`)"] {
            assert!(parse(rule).is_ok(), "{rule:?}: {:?}", parse(rule));
        }
        assert!(error("HostRegexp(`é(`)").contains("must be ASCII"));
    }
}
