//! `awk`, the part Dockerfiles and lessons use: patterns (`/RE/`,
//! expressions, `BEGIN`, `END`, ranges), fields (`$1`, `$NF`, `-F`, FS,
//! OFS, NF set), variables and arrays (`for (k in a)`, `delete`, `in`),
//! `if`/`while`/`do`/`for`, `next`, `exit`, `print` and `printf` (to
//! files, `/dev/stderr`), and the builtins `length substr index split
//! sub gsub match sprintf tolower toupper int sqrt exp log sin cos atan2
//! rand srand`. Numbers print as integers when whole, else by `%.6g`.
//! User functions, `getline`, pipes and `system` are refused by name.
//! Held to Debian's mawk by a differential test.

use crate::regex::Regex;
use crate::sed::Files;
use std::collections::BTreeMap;

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Num(f64),
    Str(String),
    Re(String),
    Name(String),
    /// A builtin function's name, `(` right after it.
    Func(String),
    Word(&'static str),
    Op(&'static str),
    Newline,
}

const WORDS: [&str; 18] = ["BEGIN", "END", "if", "else", "while", "for", "do", "break", "continue", "next", "exit", "print", "printf", "delete", "in", "getline", "function", "return"];
const BUILTINS: [&str; 20] = ["length", "substr", "index", "split", "sub", "gsub", "match", "sprintf", "tolower", "toupper", "int", "sqrt", "exp", "log", "sin", "cos", "atan2", "rand", "srand", "close"];
const OPS: [&str; 38] = [
    "+=", "-=", "*=", "/=", "%=", "^=", "==", "<=", ">=", "!=", "!~", "++", "--", "&&", "||", ">>", "{", "}", "(", ")", "[", "]", ";", ",", "+", "-", "*", "/", "%", "^", "!", ">", "<", "|", "?", "=", "~", ":",
];

fn lex(src: &str) -> Result<Vec<(Tok, usize)>, String> {
    let chars: Vec<char> = src.chars().collect();
    let (mut toks, mut i, mut line): (Vec<(Tok, usize)>, usize, usize) = (Vec::new(), 0, 1);
    while i < chars.len() {
        let c = chars[i];
        // After an operand `/` divides; elsewhere it starts a regex.
        let operand = matches!(toks.last(), Some((Tok::Num(_) | Tok::Str(_) | Tok::Name(_) | Tok::Re(_), _)) | Some((Tok::Op(")" | "]" | "$" | "++" | "--"), _)));
        match c {
            ' ' | '\t' | '\r' => i += 1,
            '\\' if chars.get(i + 1) == Some(&'\n') => {
                i += 2;
                line += 1;
            }
            '\n' => {
                toks.push((Tok::Newline, line));
                line += 1;
                i += 1;
            }
            '#' => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            }
            '"' => {
                let mut s = String::new();
                i += 1;
                loop {
                    match chars.get(i) {
                        None | Some('\n') => return Err(format!("line {line}: runaway string constant \"{s} ...")),
                        Some('"') => break,
                        Some('\\') => {
                            i += 1;
                            match chars.get(i) {
                                Some('n') => s.push('\n'),
                                Some('t') => s.push('\t'),
                                Some('r') => s.push('\r'),
                                Some('\\') => s.push('\\'),
                                Some('"') => s.push('"'),
                                Some('/') => s.push('/'),
                                Some('a') => s.push('\u{7}'),
                                Some('b') => s.push('\u{8}'),
                                Some('f') => s.push('\u{c}'),
                                Some('v') => s.push('\u{b}'),
                                Some(d @ '0'..='7') => {
                                    let mut n = d.to_digit(8).unwrap_or(0);
                                    for _ in 0..2 {
                                        match chars.get(i + 1).and_then(|c| c.to_digit(8)) {
                                            Some(x) => {
                                                n = n * 8 + x;
                                                i += 1;
                                            }
                                            None => break,
                                        }
                                    }
                                    s.push(char::from_u32(n).unwrap_or('?'));
                                }
                                Some(other) => {
                                    s.push('\\');
                                    s.push(*other);
                                }
                                None => {}
                            }
                        }
                        Some(other) => s.push(*other),
                    }
                    i += 1;
                }
                i += 1;
                toks.push((Tok::Str(s), line));
            }
            '/' if !operand => {
                let mut re = String::new();
                i += 1;
                let mut bracket = false;
                loop {
                    match chars.get(i) {
                        None | Some('\n') => return Err(format!("line {line}: runaway regular expression /{re} ...")),
                        Some('/') if !bracket => break,
                        Some('\\') if chars.get(i + 1) == Some(&'/') => {
                            re.push('/');
                            i += 1;
                        }
                        Some('\\') => {
                            re.push('\\');
                            i += 1;
                            if let Some(n) = chars.get(i) {
                                re.push(*n);
                            }
                        }
                        Some(c) => {
                            if *c == '[' {
                                bracket = true;
                            } else if *c == ']' {
                                bracket = false;
                            }
                            re.push(*c);
                        }
                    }
                    i += 1;
                }
                i += 1;
                toks.push((Tok::Re(re), line));
            }
            c if c.is_ascii_digit() || c == '.' && chars.get(i + 1).is_some_and(char::is_ascii_digit) => {
                let start = i;
                while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
                    i += 1;
                }
                if i < chars.len() && matches!(chars[i], 'e' | 'E') && chars.get(i + 1).is_some_and(|c| c.is_ascii_digit() || matches!(c, '+' | '-')) {
                    i += 2;
                    while i < chars.len() && chars[i].is_ascii_digit() {
                        i += 1;
                    }
                }
                let text: String = chars[start..i].iter().collect();
                toks.push((Tok::Num(text.parse().map_err(|_| format!("line {line}: bad number {text}"))?), line));
            }
            c if c.is_alphabetic() || c == '_' => {
                let start = i;
                while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                    i += 1;
                }
                let word: String = chars[start..i].iter().collect();
                let tok = if let Some(w) = WORDS.iter().find(|w| **w == word) {
                    Tok::Word(w)
                } else if BUILTINS.contains(&word.as_str()) {
                    Tok::Func(word)
                } else {
                    Tok::Name(word)
                };
                toks.push((tok, line));
            }
            '$' => {
                toks.push((Tok::Op("$"), line));
                i += 1;
            }
            '&' if chars.get(i + 1) != Some(&'&') => return Err(format!("line {line}: syntax error at or near &")),
            _ => {
                let rest: String = chars[i..chars.len().min(i + 2)].iter().collect();
                // Two-character operators come first in OPS, so `==` is not read as `=`.
                let op = OPS.iter().find(|o| rest.starts_with(**o)).ok_or_else(|| format!("line {line}: syntax error at or near {c}"))?;
                toks.push((Tok::Op(op), line));
                i += op.chars().count();
            }
        }
    }
    Ok(toks)
}

#[derive(Clone, Debug)]
enum Expr {
    Num(f64),
    Str(String),
    Re(String),
    Var(String),
    Field(Box<Expr>),
    Index(String, Vec<Expr>),
    In(Vec<Expr>, String),
    Assign(&'static str, Box<Expr>, Box<Expr>),
    Cond(Box<Expr>, Box<Expr>, Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Match(bool, Box<Expr>, Box<Expr>),
    Binary(&'static str, Box<Expr>, Box<Expr>),
    Concat(Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
    Neg(Box<Expr>),
    Plus(Box<Expr>),
    /// `++x` / `--x` (true) or `x++` / `x--` (false), by 1.0 or -1.0.
    Incr(bool, f64, Box<Expr>),
    Call(String, Vec<Expr>),
    Group(Box<Expr>),
    /// `(a, b)`: a key list before `in`, or print's arguments.
    List(Vec<Expr>),
}

#[derive(Clone, Debug)]
enum Stmt {
    Expr(Expr),
    Print(Vec<Expr>, Option<(bool, Expr)>),
    Printf(Vec<Expr>, Option<(bool, Expr)>),
    If(Expr, Box<Stmt>, Option<Box<Stmt>>),
    While(Expr, Box<Stmt>),
    Do(Box<Stmt>, Expr),
    For(Option<Box<Stmt>>, Option<Expr>, Option<Box<Stmt>>, Box<Stmt>),
    ForIn(String, String, Box<Stmt>),
    Block(Vec<Stmt>),
    Next,
    Exit(Option<Expr>),
    Break,
    Continue,
    Delete(String, Option<Vec<Expr>>),
}

/// A rule: its pattern, and its action (none: print the record).
type Item = (Pattern, Option<Vec<Stmt>>);

enum Pattern {
    All,
    Begin,
    End,
    Expr(Expr),
    Range(Expr, Expr),
}

struct Parser {
    toks: Vec<(Tok, usize)>,
    pos: usize,
    /// Inside `print`'s list, outside parentheses: `>` redirects.
    no_gt: bool,
    /// Expressions and statements open at this point ([`MAX_NESTING`]).
    depth: usize,
}

/// Nesting the parser follows, at most: it recurses, and the page's
/// WebAssembly stack is 1 MB.
const MAX_NESTING: usize = 100;

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos).map(|(t, _)| t)
    }
    fn is(&self, t: &Tok) -> bool {
        self.peek() == Some(t)
    }
    fn op(&self, o: &str) -> bool {
        matches!(self.peek(), Some(Tok::Op(x)) if *x == o)
    }
    fn word(&self, w: &str) -> bool {
        matches!(self.peek(), Some(Tok::Word(x)) if *x == w)
    }
    fn error(&self) -> String {
        let line = self.toks.get(self.pos).or(self.toks.last()).map_or(1, |(_, l)| *l);
        let near = match self.peek() {
            None => "end of file".to_string(),
            Some(Tok::Newline) => "end of line".to_string(),
            Some(Tok::Num(n)) => fmt_num(*n),
            Some(Tok::Str(s)) => format!("\"{s}\""),
            Some(Tok::Re(r)) => format!("/{r}/"),
            Some(Tok::Name(n) | Tok::Func(n)) => n.clone(),
            Some(Tok::Word(w) | Tok::Op(w)) => w.to_string(),
        };
        format!("line {line}: syntax error at or near {near}")
    }
    fn want(&mut self, o: &str) -> Result<(), String> {
        if self.op(o) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.error())
        }
    }
    fn newlines(&mut self) {
        while self.is(&Tok::Newline) {
            self.pos += 1;
        }
    }
    fn terminators(&mut self) {
        while self.is(&Tok::Newline) || self.op(";") {
            self.pos += 1;
        }
    }

    fn program(&mut self) -> Result<Vec<Item>, String> {
        let mut items = Vec::new();
        loop {
            self.terminators();
            if self.peek().is_none() {
                return Ok(items);
            }
            let pattern = if self.word("BEGIN") || self.word("END") {
                let begin = self.word("BEGIN");
                self.pos += 1;
                if begin { Pattern::Begin } else { Pattern::End }
            } else if self.word("function") {
                return Err("user-defined functions are not simulated in this version of Layer Lab".to_string());
            } else if self.op("{") {
                Pattern::All
            } else {
                let first = self.expr()?;
                if self.op(",") {
                    self.pos += 1;
                    self.newlines();
                    Pattern::Range(first, self.expr()?)
                } else {
                    Pattern::Expr(first)
                }
            };
            let action = if self.op("{") {
                Some(self.block()?)
            } else if matches!(pattern, Pattern::Begin | Pattern::End) {
                return Err(self.error());
            } else {
                None
            };
            items.push((pattern, action));
        }
    }

    fn block(&mut self) -> Result<Vec<Stmt>, String> {
        self.want("{")?;
        let mut stmts = Vec::new();
        loop {
            self.terminators();
            if self.op("}") {
                self.pos += 1;
                return Ok(stmts);
            }
            if self.peek().is_none() {
                let line = self.toks.last().map_or(1, |(_, l)| *l) + 1;
                return Err(format!("line {line}: missing }} near end of file"));
            }
            stmts.push(self.stmt()?);
        }
    }

    /// The end of a simple statement: `;`, a newline, or a `}` that follows.
    fn end_simple(&mut self) -> Result<(), String> {
        if self.op(";") || self.is(&Tok::Newline) {
            self.pos += 1;
            Ok(())
        } else if self.op("}") || self.peek().is_none() {
            Ok(())
        } else {
            Err(self.error())
        }
    }

    fn body(&mut self) -> Result<Box<Stmt>, String> {
        self.newlines();
        if self.op(";") {
            self.pos += 1;
            return Ok(Box::new(Stmt::Block(Vec::new())));
        }
        Ok(Box::new(self.stmt()?))
    }

    fn stmt(&mut self) -> Result<Stmt, String> {
        self.nest()?;
        let s = self.statement();
        self.depth -= 1;
        s
    }

    fn statement(&mut self) -> Result<Stmt, String> {
        if self.op("{") {
            return Ok(Stmt::Block(self.block()?));
        }
        let Some(Tok::Word(w)) = self.peek().cloned() else {
            let e = self.expr()?;
            self.end_simple()?;
            return Ok(Stmt::Expr(e));
        };
        self.pos += 1;
        let stmt = match w {
            "if" => {
                self.want("(")?;
                let cond = self.expr()?;
                self.want(")")?;
                let then = self.body()?;
                // An `else` may follow after newlines or a `;`.
                let save = self.pos;
                self.terminators();
                let otherwise = if self.word("else") {
                    self.pos += 1;
                    Some(self.body()?)
                } else {
                    self.pos = save;
                    None
                };
                return Ok(Stmt::If(cond, then, otherwise));
            }
            "while" => {
                self.want("(")?;
                let cond = self.expr()?;
                self.want(")")?;
                return Ok(Stmt::While(cond, self.body()?));
            }
            "do" => {
                let body = self.body()?;
                self.terminators();
                if !self.word("while") {
                    return Err(self.error());
                }
                self.pos += 1;
                self.want("(")?;
                let cond = self.expr()?;
                self.want(")")?;
                Stmt::Do(body, cond)
            }
            "for" => {
                self.want("(")?;
                // for (k in a)
                if let (Some(Tok::Name(k)), Some(Tok::Word("in")), Some(Tok::Name(a)), Some(Tok::Op(")"))) = (self.toks.get(self.pos).map(|t| t.0.clone()), self.toks.get(self.pos + 1).map(|t| t.0.clone()), self.toks.get(self.pos + 2).map(|t| t.0.clone()), self.toks.get(self.pos + 3).map(|t| t.0.clone())) {
                    self.pos += 4;
                    return Ok(Stmt::ForIn(k, a, self.body()?));
                }
                let init = if self.op(";") { None } else { Some(Box::new(Stmt::Expr(self.expr()?))) };
                self.want(";")?;
                self.newlines();
                let cond = if self.op(";") { None } else { Some(self.expr()?) };
                self.want(";")?;
                self.newlines();
                let step = if self.op(")") { None } else { Some(Box::new(Stmt::Expr(self.expr()?))) };
                self.want(")")?;
                return Ok(Stmt::For(init, cond, step, self.body()?));
            }
            "print" | "printf" => {
                self.no_gt = true;
                let mut args = Vec::new();
                if !(self.op(";") || self.op("}") || self.is(&Tok::Newline) || self.op(">") || self.op(">>") || self.op("|") || self.peek().is_none()) {
                    args.push(self.expr()?);
                    while self.op(",") {
                        self.pos += 1;
                        self.newlines();
                        args.push(self.expr()?);
                    }
                }
                self.no_gt = false;
                // print (a, b): the parentheses hold the list.
                if let [Expr::List(list)] = args.as_slice() {
                    args = list.clone();
                }
                let target = if self.op(">") || self.op(">>") {
                    let append = self.op(">>");
                    self.pos += 1;
                    Some((append, self.concat_level()?))
                } else if self.op("|") {
                    return Err("print to a pipe (| \"command\") is not simulated in this version of Layer Lab".to_string());
                } else {
                    None
                };
                if w == "printf" && args.is_empty() {
                    return Err(self.error());
                }
                if w == "print" { Stmt::Print(args, target) } else { Stmt::Printf(args, target) }
            }
            "next" => Stmt::Next,
            "break" => Stmt::Break,
            "continue" => Stmt::Continue,
            "exit" => {
                let code = if self.op(";") || self.op("}") || self.is(&Tok::Newline) || self.peek().is_none() { None } else { Some(self.expr()?) };
                Stmt::Exit(code)
            }
            "delete" => {
                let Some(Tok::Name(name)) = self.peek().cloned() else { return Err(self.error()) };
                self.pos += 1;
                let keys = if self.op("[") {
                    self.pos += 1;
                    let keys = self.list("]")?;
                    Some(keys)
                } else {
                    None
                };
                Stmt::Delete(name, keys)
            }
            "getline" => return Err("getline is not simulated in this version of Layer Lab".to_string()),
            "return" | "function" => return Err("user-defined functions are not simulated in this version of Layer Lab".to_string()),
            _ => return Err(self.error()),
        };
        self.end_simple()?;
        Ok(stmt)
    }

    /// Expressions separated by commas, up to `close` (consumed).
    fn list(&mut self, close: &str) -> Result<Vec<Expr>, String> {
        let mut out = Vec::new();
        let gt = std::mem::replace(&mut self.no_gt, false);
        if !self.op(close) {
            out.push(self.expr()?);
            while self.op(",") {
                self.pos += 1;
                self.newlines();
                out.push(self.expr()?);
            }
        }
        self.no_gt = gt;
        self.want(close)?;
        Ok(out)
    }

    fn nest(&mut self) -> Result<(), String> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return Err(format!("the program nests more than {MAX_NESTING} deep"));
        }
        Ok(())
    }

    fn expr(&mut self) -> Result<Expr, String> {
        self.nest()?;
        let e = self.assignment();
        self.depth -= 1;
        e
    }

    fn assignment(&mut self) -> Result<Expr, String> {
        let left = self.ternary()?;
        let assign = match self.peek() {
            Some(Tok::Op(o @ ("+=" | "-=" | "*=" | "/=" | "%=" | "^="))) => Some(*o),
            Some(Tok::Op("=")) => Some("="),
            _ => None,
        };
        if let Some(op) = assign {
            if matches!(left, Expr::Var(_) | Expr::Field(_) | Expr::Index(..)) {
                self.pos += 1;
                self.newlines();
                let right = self.expr()?;
                return Ok(Expr::Assign(op, Box::new(left), Box::new(right)));
            }
        }
        Ok(left)
    }

    fn ternary(&mut self) -> Result<Expr, String> {
        let cond = self.or()?;
        if self.op("?") {
            self.pos += 1;
            self.newlines();
            let yes = self.expr()?;
            self.newlines();
            self.want(":")?;
            self.newlines();
            let no = self.expr()?;
            return Ok(Expr::Cond(Box::new(cond), Box::new(yes), Box::new(no)));
        }
        Ok(cond)
    }

    fn or(&mut self) -> Result<Expr, String> {
        let mut left = self.and()?;
        while self.op("||") {
            self.pos += 1;
            self.newlines();
            left = Expr::Or(Box::new(left), Box::new(self.and()?));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Expr, String> {
        let mut left = self.in_()?;
        while self.op("&&") {
            self.pos += 1;
            self.newlines();
            left = Expr::And(Box::new(left), Box::new(self.in_()?));
        }
        Ok(left)
    }

    fn in_(&mut self) -> Result<Expr, String> {
        let mut left = self.matching()?;
        while self.word("in") {
            self.pos += 1;
            let Some(Tok::Name(a)) = self.peek().cloned() else { return Err(self.error()) };
            self.pos += 1;
            let keys = match left {
                Expr::List(list) => list,
                Expr::Group(inner) => vec![*inner],
                other => vec![other],
            };
            left = Expr::In(keys, a);
        }
        Ok(left)
    }

    fn matching(&mut self) -> Result<Expr, String> {
        let mut left = self.comparison()?;
        while self.op("~") || self.op("!~") {
            let negate = self.op("!~");
            self.pos += 1;
            left = Expr::Match(negate, Box::new(left), Box::new(self.comparison()?));
        }
        Ok(left)
    }

    fn comparison(&mut self) -> Result<Expr, String> {
        let left = self.concat_level()?;
        let op = match self.peek() {
            Some(Tok::Op(o @ ("<" | "<=" | "!=" | "==" | ">=")) ) => *o,
            Some(Tok::Op(">")) if !self.no_gt => ">",
            _ => return Ok(left),
        };
        self.pos += 1;
        Ok(Expr::Binary(op, Box::new(left), Box::new(self.concat_level()?)))
    }

    fn concat_level(&mut self) -> Result<Expr, String> {
        let mut left = self.additive()?;
        while matches!(self.peek(), Some(Tok::Num(_) | Tok::Str(_) | Tok::Re(_) | Tok::Name(_) | Tok::Func(_) | Tok::Op("$" | "(" | "!" | "++" | "--"))) && !(self.word("in")) {
            // `a !~ b` and `a ! b` are not concatenations with `!`.
            if self.op("!") {
                break;
            }
            left = Expr::Concat(Box::new(left), Box::new(self.additive()?));
        }
        Ok(left)
    }

    fn additive(&mut self) -> Result<Expr, String> {
        let mut left = self.multiplicative()?;
        while let Some(Tok::Op(o @ ("+" | "-"))) = self.peek() {
            let o = *o;
            self.pos += 1;
            left = Expr::Binary(o, Box::new(left), Box::new(self.multiplicative()?));
        }
        Ok(left)
    }

    fn multiplicative(&mut self) -> Result<Expr, String> {
        let mut left = self.unary()?;
        while let Some(Tok::Op(o @ ("*" | "/" | "%"))) = self.peek() {
            let o = *o;
            self.pos += 1;
            left = Expr::Binary(o, Box::new(left), Box::new(self.unary()?));
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Expr, String> {
        self.nest()?;
        let e = self.unary_inner();
        self.depth -= 1;
        e
    }

    fn unary_inner(&mut self) -> Result<Expr, String> {
        match self.peek() {
            Some(Tok::Op("!")) => {
                self.pos += 1;
                Ok(Expr::Not(Box::new(self.unary()?)))
            }
            Some(Tok::Op("-")) => {
                self.pos += 1;
                Ok(Expr::Neg(Box::new(self.unary()?)))
            }
            Some(Tok::Op("+")) => {
                self.pos += 1;
                Ok(Expr::Plus(Box::new(self.unary()?)))
            }
            _ => self.power(),
        }
    }

    fn power(&mut self) -> Result<Expr, String> {
        self.nest()?;
        let e = self.power_inner();
        self.depth -= 1;
        e
    }

    fn power_inner(&mut self) -> Result<Expr, String> {
        let base = self.postfix()?;
        if self.op("^") {
            self.pos += 1;
            // Right-associative, and binds tighter than unary minus on its right.
            let exp = if self.op("-") {
                self.pos += 1;
                Expr::Neg(Box::new(self.power()?))
            } else {
                self.power()?
            };
            return Ok(Expr::Binary("^", Box::new(base), Box::new(exp)));
        }
        Ok(base)
    }

    fn postfix(&mut self) -> Result<Expr, String> {
        if self.op("++") || self.op("--") {
            let by = if self.op("++") { 1.0 } else { -1.0 };
            self.pos += 1;
            let target = self.primary()?;
            return Ok(Expr::Incr(true, by, Box::new(target)));
        }
        let e = self.primary()?;
        if matches!(e, Expr::Var(_) | Expr::Field(_) | Expr::Index(..)) && (self.op("++") || self.op("--")) {
            let by = if self.op("++") { 1.0 } else { -1.0 };
            self.pos += 1;
            return Ok(Expr::Incr(false, by, Box::new(e)));
        }
        Ok(e)
    }

    fn primary(&mut self) -> Result<Expr, String> {
        let Some((tok, _)) = self.toks.get(self.pos).cloned() else { return Err(self.error()) };
        self.pos += 1;
        Ok(match tok {
            Tok::Num(n) => Expr::Num(n),
            Tok::Str(s) => Expr::Str(s),
            Tok::Re(r) => Expr::Re(r),
            Tok::Op("$") => {
                // `$i++` is `($i)++`: `$` takes a primary.
                self.nest()?;
                let inner = if self.op("++") || self.op("--") || self.op("-") { self.unary() } else { self.primary() };
                self.depth -= 1;
                let inner = inner?;
                Expr::Field(Box::new(inner))
            }
            Tok::Op("(") => {
                let mut list = self.list(")")?;
                if list.len() == 1 {
                    Expr::Group(Box::new(list.remove(0)))
                } else if list.is_empty() {
                    return Err(self.error());
                } else {
                    // Only print's arguments and `in`'s keys are lists; elsewhere mawk stops at what follows.
                    if !self.no_gt && !self.word("in") {
                        return Err(self.error());
                    }
                    Expr::List(list)
                }
            }
            Tok::Name(n) => {
                if self.op("[") {
                    self.pos += 1;
                    Expr::Index(n, self.list("]")?)
                } else if self.op("(") {
                    return Err("user-defined functions are not simulated in this version of Layer Lab".to_string());
                } else {
                    Expr::Var(n)
                }
            }
            Tok::Func(f) => {
                let args = if self.op("(") {
                    self.pos += 1;
                    self.list(")")?
                } else if f == "length" {
                    Vec::new()
                } else {
                    self.pos -= 1;
                    return Err(self.error());
                };
                Expr::Call(f, args)
            }
            Tok::Word("getline") => return Err("getline is not simulated in this version of Layer Lab".to_string()),
            _ => {
                self.pos -= 1;
                return Err(self.error());
            }
        })
    }
}

/// A value: a number, a string, or input text that may read as a number.
#[derive(Clone, Debug)]
enum Val {
    Uninit,
    Num(f64),
    Str(String),
    /// Fields, `split` pieces, `-v` values: numeric when they look like a number.
    StrNum(String),
}

/// The longest leading number in `s`, as awk's strtod reads it (0 if none).
fn to_num(s: &str) -> f64 {
    let t = s.trim_start();
    let b = t.as_bytes();
    let mut i = 0;
    if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
        i += 1;
    }
    let digits = i;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    if i < b.len() && b[i] == b'.' {
        i += 1;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
    }
    if i == digits || (i == digits + 1 && b[digits] == b'.') {
        return 0.0;
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        let mut j = i + 1;
        if j < b.len() && (b[j] == b'+' || b[j] == b'-') {
            j += 1;
        }
        if j < b.len() && b[j].is_ascii_digit() {
            while j < b.len() && b[j].is_ascii_digit() {
                j += 1;
            }
            i = j;
        }
    }
    t[..i].parse().unwrap_or(0.0)
}

/// Whether `s` is a whole number (blanks around it allowed).
fn looks_numeric(s: &str) -> bool {
    let t = s.trim();
    !t.is_empty() && t.parse::<f64>().is_ok() && !t.contains(['i', 'I', 'n', 'N', 'x', 'X'])
}

fn fmt_num(n: f64) -> String {
    if n.is_nan() {
        "nan".to_string()
    } else if n.is_infinite() {
        if n > 0.0 { "inf" } else { "-inf" }.to_string()
    } else if n == n.trunc() && n.abs() < 1e16 {
        format!("{}", n as i64)
    } else {
        fmt_with("%.6g", n)
    }
}

fn fmt_with(format: &str, n: f64) -> String {
    crate::printf::printf(format, &[&format!("{n:e}")]).0
}

impl Val {
    fn num(&self) -> f64 {
        match self {
            Val::Uninit => 0.0,
            Val::Num(n) => *n,
            Val::Str(s) | Val::StrNum(s) => to_num(s),
        }
    }
    fn string(&self) -> String {
        match self {
            Val::Uninit => String::new(),
            Val::Num(n) => fmt_num(*n),
            Val::Str(s) | Val::StrNum(s) => s.clone(),
        }
    }
    fn numeric(&self) -> bool {
        match self {
            Val::Uninit | Val::Num(_) => true,
            Val::StrNum(s) => looks_numeric(s),
            Val::Str(_) => false,
        }
    }
    fn truthy(&self) -> bool {
        match self {
            Val::Uninit => false,
            Val::Num(n) => *n != 0.0,
            Val::StrNum(s) if looks_numeric(s) => to_num(s) != 0.0,
            Val::Str(s) | Val::StrNum(s) => !s.is_empty(),
        }
    }
}

enum Flow {
    Normal,
    Next,
    Exit,
    Break,
    Continue,
}

/// Statements one awk may run: `while (1)` never ends.
const MAX_STEPS: u64 = 5_000_000;

struct Awk<'f> {
    vars: BTreeMap<String, Val>,
    arrays: BTreeMap<String, BTreeMap<String, Val>>,
    record: String,
    fields: Vec<String>,
    out: String,
    err: String,
    files: &'f mut dyn Files,
    written: Vec<(String, String)>,
    exit_code: i32,
    steps: u64,
    regexes: BTreeMap<String, Regex>,
    random: u64,
    range_on: Vec<bool>,
    /// BusyBox's awk (alpine), not mawk: where they differ (substr).
    busybox: bool,
}

impl Awk<'_> {
    fn var(&self, name: &str) -> Val {
        match name {
            "NF" => Val::Num(self.fields.len() as f64),
            _ => self.vars.get(name).cloned().unwrap_or(Val::Uninit),
        }
    }
    fn sv(&self, name: &str) -> String {
        self.vars.get(name).map(Val::string).unwrap_or_default()
    }

    fn regex(&mut self, re: &str) -> Result<Regex, String> {
        if let Some(r) = self.regexes.get(re) {
            return Ok(r.clone());
        }
        let r = Regex::new(re, true, false).map_err(|e| format!("regular expression compile failed ({e})\n{re}"))?;
        self.regexes.insert(re.to_string(), r.clone());
        Ok(r)
    }

    fn set_record(&mut self, text: &str) -> Result<(), String> {
        self.record = text.to_string();
        let fs = self.sv("FS");
        self.fields = self.split_with(text, &fs)?;
        Ok(())
    }

    fn split_with(&mut self, text: &str, fs: &str) -> Result<Vec<String>, String> {
        Ok(match fs {
            " " => text.split([' ', '\t', '\n']).filter(|f| !f.is_empty()).map(str::to_string).collect(),
            _ if text.is_empty() => Vec::new(),
            "" => text.chars().map(String::from).collect(),
            f if f.chars().count() == 1 && f != "\\" => text.split(f).map(str::to_string).collect(),
            f => {
                let re = self.regex(f)?;
                let chars: Vec<char> = text.chars().collect();
                let (mut out, mut from, mut start) = (Vec::new(), 0, 0);
                while from <= chars.len() {
                    let Some(Some((a, b))) = re.find_at(&chars, from).map(|g| g[0]) else { break };
                    if b == a {
                        from = a + 1;
                        continue;
                    }
                    out.push(chars[start..a].iter().collect());
                    start = b;
                    from = b;
                }
                out.push(chars[start..].iter().collect());
                out
            }
        })
    }

    fn rebuild(&mut self) {
        let ofs = self.sv("OFS");
        self.record = self.fields.join(&ofs);
    }

    fn field(&self, i: usize) -> Val {
        if i == 0 {
            Val::StrNum(self.record.clone())
        } else {
            self.fields.get(i - 1).map_or(Val::Uninit, |f| Val::StrNum(f.clone()))
        }
    }

    fn set_field(&mut self, i: usize, v: String) -> Result<(), String> {
        if i == 0 {
            return self.set_record(&v);
        }
        if i > 100_000 {
            return Err(format!("${i} is out of range"));
        }
        if self.fields.len() < i {
            self.fields.resize(i, String::new());
        }
        self.fields[i - 1] = v;
        self.rebuild();
        Ok(())
    }

    fn key(&mut self, keys: &[Expr]) -> Result<String, String> {
        let sep = self.sv("SUBSEP");
        let mut parts = Vec::new();
        for k in keys {
            parts.push(self.eval(k)?.string());
        }
        Ok(parts.join(&sep))
    }

    fn assign(&mut self, target: &Expr, v: Val) -> Result<Val, String> {
        match target {
            Expr::Var(n) if n == "NF" => {
                let nf = v.num().max(0.0) as usize;
                self.fields.resize(nf, String::new());
                self.rebuild();
            }
            Expr::Var(n) => {
                self.vars.insert(n.clone(), v.clone());
            }
            Expr::Field(i) => {
                let i = self.eval(i)?.num();
                if i < 0.0 {
                    return Err(format!("negative field index ${i}"));
                }
                self.set_field(i as usize, v.string())?;
            }
            Expr::Index(a, keys) => {
                let k = self.key(keys)?;
                self.arrays.entry(a.clone()).or_default().insert(k, v.clone());
            }
            _ => return Err("assignment to a value that is not a variable".to_string()),
        }
        Ok(v)
    }

    fn compare(a: &Val, b: &Val) -> std::cmp::Ordering {
        if a.numeric() && b.numeric() {
            a.num().partial_cmp(&b.num()).unwrap_or(std::cmp::Ordering::Equal)
        } else {
            a.string().cmp(&b.string())
        }
    }

    fn matches(&mut self, text: &str, re: &Expr) -> Result<bool, String> {
        let pattern = match re {
            Expr::Re(r) => r.clone(),
            other => self.eval(other)?.string(),
        };
        Ok(self.regex(&pattern)?.is_match(text))
    }

    fn eval(&mut self, e: &Expr) -> Result<Val, String> {
        Ok(match e {
            Expr::Num(n) => Val::Num(*n),
            Expr::Str(s) => Val::Str(s.clone()),
            Expr::Re(r) => {
                let record = self.record.clone();
                let r = self.regex(r)?;
                Val::Num(f64::from(u8::from(r.is_match(&record))))
            }
            Expr::Var(n) => self.var(n),
            Expr::Field(i) => {
                let i = self.eval(i)?.num();
                if i < 0.0 {
                    return Err(format!("negative field index ${}", fmt_num(i)));
                }
                self.field(i as usize)
            }
            Expr::Index(a, keys) => {
                let k = self.key(keys)?;
                // Referring to an element makes it.
                self.arrays.entry(a.clone()).or_default().entry(k).or_insert(Val::Uninit).clone()
            }
            Expr::In(keys, a) => {
                let k = self.key(keys)?;
                Val::Num(f64::from(u8::from(self.arrays.get(a).is_some_and(|m| m.contains_key(&k)))))
            }
            Expr::Assign(op, target, value) => {
                let v = self.eval(value)?;
                let v = match *op {
                    "=" => match v {
                        Val::Uninit => Val::Uninit,
                        other => other,
                    },
                    op => {
                        let old = self.eval(target)?.num();
                        Val::Num(arith(&op[..1], old, v.num())?)
                    }
                };
                self.assign(target, v)?
            }
            Expr::Cond(c, a, b) => {
                if self.eval(c)?.truthy() {
                    self.eval(a)?
                } else {
                    self.eval(b)?
                }
            }
            Expr::And(a, b) => Val::Num(f64::from(u8::from(self.eval(a)?.truthy() && self.eval(b)?.truthy()))),
            Expr::Or(a, b) => Val::Num(f64::from(u8::from(self.eval(a)?.truthy() || self.eval(b)?.truthy()))),
            Expr::Match(negate, text, re) => {
                let text = self.eval(text)?.string();
                Val::Num(f64::from(u8::from(self.matches(&text, re)? != *negate)))
            }
            Expr::Binary(op, a, b) => {
                let (a, b) = (self.eval(a)?, self.eval(b)?);
                match *op {
                    "<" | "<=" | "==" | "!=" | ">" | ">=" => {
                        let ord = Self::compare(&a, &b);
                        use std::cmp::Ordering::*;
                        let hit = match *op {
                            "<" => ord == Less,
                            "<=" => ord != Greater,
                            "==" => ord == Equal,
                            "!=" => ord != Equal,
                            ">" => ord == Greater,
                            _ => ord != Less,
                        };
                        Val::Num(f64::from(u8::from(hit)))
                    }
                    op => Val::Num(arith(op, a.num(), b.num())?),
                }
            }
            Expr::Concat(a, b) => {
                let a = self.eval(a)?.string();
                Val::Str(a + &self.eval(b)?.string())
            }
            Expr::Not(a) => Val::Num(f64::from(u8::from(!self.eval(a)?.truthy()))),
            Expr::Neg(a) => Val::Num(-self.eval(a)?.num()),
            Expr::Plus(a) => Val::Num(self.eval(a)?.num()),
            Expr::Incr(pre, by, target) => {
                let old = self.eval(target)?.num();
                self.assign(target, Val::Num(old + by))?;
                Val::Num(if *pre { old + by } else { old })
            }
            Expr::Group(inner) => self.eval(inner)?,
            Expr::Call(f, args) => self.call(f, args)?,
            Expr::List(_) => return Err("syntax error: a (…, …) list is only print's arguments or the keys before in".to_string()),
        })
    }

    fn call(&mut self, f: &str, args: &[Expr]) -> Result<Val, String> {
        let arity = |lo: usize, hi: usize| if args.len() < lo || args.len() > hi { Err(format!("wrong number of arguments in call to {f}")) } else { Ok(()) };
        Ok(match f {
            "length" => {
                arity(0, 1)?;
                match args.first() {
                    None => Val::Num(self.record.chars().count() as f64),
                    Some(Expr::Var(a)) if self.arrays.contains_key(a) => Val::Num(self.arrays[a].len() as f64),
                    Some(e) => Val::Num(self.eval(e)?.string().chars().count() as f64),
                }
            }
            "substr" => {
                arity(2, 3)?;
                let s: Vec<char> = self.eval(&args[0])?.string().chars().collect();
                let m = self.eval(&args[1])?.num();
                let n = match args.get(2) {
                    Some(e) => self.eval(e)?.num(),
                    None => f64::INFINITY,
                };
                // Positions truncate. Before position 1, mawk (Debian's awk) counts the length
                // from 1 plus the distance (substr("hello", -1, 3) is "hell"); BusyBox counts it from 1.
                let start = m.trunc();
                let n = n.trunc();
                let count = match (start < 1.0, self.busybox) {
                    (true, false) => n - start,
                    _ => n,
                };
                let from = start.max(1.0);
                let end = if count.is_infinite() { f64::INFINITY } else { from + count };
                let to = end.min(s.len() as f64 + 1.0);
                if to <= from {
                    Val::Str(String::new())
                } else {
                    Val::Str(s[(from as usize - 1)..(to as usize - 1)].iter().collect())
                }
            }
            "index" => {
                arity(2, 2)?;
                let (s, t) = (self.eval(&args[0])?.string(), self.eval(&args[1])?.string());
                Val::Num(s.find(&t).map_or(0.0, |i| (s[..i].chars().count() + 1) as f64))
            }
            "split" => {
                arity(2, 3)?;
                let s = self.eval(&args[0])?.string();
                let Expr::Var(a) = &args[1] else { return Err("split: the second argument must be an array".to_string()) };
                let fs = match args.get(2) {
                    Some(Expr::Re(r)) => r.clone(),
                    Some(e) => self.eval(e)?.string(),
                    None => self.sv("FS"),
                };
                let parts = self.split_with(&s, &fs)?;
                let n = parts.len();
                let arr = self.arrays.entry(a.clone()).or_default();
                arr.clear();
                for (i, p) in parts.into_iter().enumerate() {
                    arr.insert((i + 1).to_string(), Val::StrNum(p));
                }
                Val::Num(n as f64)
            }
            "sub" | "gsub" => {
                arity(2, 3)?;
                let pattern = match &args[0] {
                    Expr::Re(r) => r.clone(),
                    e => self.eval(e)?.string(),
                };
                let re = self.regex(&pattern)?;
                let repl = self.eval(&args[1])?.string();
                let target = args.get(2).cloned().unwrap_or(Expr::Field(Box::new(Expr::Num(0.0))));
                let text: Vec<char> = self.eval(&target)?.string().chars().collect();
                // `&` is the match, `\&` a plain `&`, `\\` a backslash.
                let (out, count) = re.replace(&text, &mut |_, groups| {
                    let matched: String = groups[0].map(|(a, b)| text[a..b].iter().collect()).unwrap_or_default();
                    let mut with = String::new();
                    let mut chars = repl.chars().peekable();
                    while let Some(c) = chars.next() {
                        match c {
                            '\\' if matches!(chars.peek(), Some('&' | '\\')) => with.extend(chars.next()),
                            '&' => with.push_str(&matched),
                            c => with.push(c),
                        }
                    }
                    (Some(with), f == "gsub")
                });
                if count > 0 {
                    self.assign(&target, Val::Str(out))?;
                }
                Val::Num(count as f64)
            }
            "match" => {
                arity(2, 2)?;
                let s: Vec<char> = self.eval(&args[0])?.string().chars().collect();
                let pattern = match &args[1] {
                    Expr::Re(r) => r.clone(),
                    e => self.eval(e)?.string(),
                };
                let re = self.regex(&pattern)?;
                let (start, len) = match re.find_at(&s, 0).and_then(|g| g[0]) {
                    Some((a, b)) => ((a + 1) as f64, (b - a) as f64),
                    None => (0.0, -1.0),
                };
                self.vars.insert("RSTART".into(), Val::Num(start));
                self.vars.insert("RLENGTH".into(), Val::Num(len));
                Val::Num(start)
            }
            "sprintf" => {
                if args.is_empty() {
                    return Err("wrong number of arguments in call to sprintf".to_string());
                }
                Val::Str(self.format(args)?)
            }
            "tolower" | "toupper" => {
                arity(1, 1)?;
                let s = self.eval(&args[0])?.string();
                Val::Str(if f == "tolower" { s.to_lowercase() } else { s.to_uppercase() })
            }
            "int" => {
                arity(1, 1)?;
                Val::Num(self.eval(&args[0])?.num().trunc())
            }
            "sqrt" | "exp" | "log" | "sin" | "cos" => {
                arity(1, 1)?;
                let x = self.eval(&args[0])?.num();
                Val::Num(match f {
                    "sqrt" => x.sqrt(),
                    "exp" => x.exp(),
                    "log" => x.ln(),
                    "sin" => x.sin(),
                    _ => x.cos(),
                })
            }
            "atan2" => {
                arity(2, 2)?;
                let (y, x) = (self.eval(&args[0])?.num(), self.eval(&args[1])?.num());
                Val::Num(y.atan2(x))
            }
            "rand" => {
                arity(0, 0)?;
                Val::Num((crate::fs::xorshift(&mut self.random) >> 11) as f64 / (1u64 << 53) as f64)
            }
            "srand" => {
                arity(0, 1)?;
                let seed = match args.first() {
                    Some(e) => self.eval(e)?.num(),
                    None => 0.0,
                };
                let old = self.vars.get("\u{0}seed").map_or(0.0, Val::num);
                self.vars.insert("\u{0}seed".into(), Val::Num(seed));
                self.random = (seed.to_bits() ^ 0x2545_f491_4f6c_dd1d) | 1;
                Val::Num(old)
            }
            _ => Val::Num(0.0),
        })
    }

    /// `printf`/`sprintf`: the format and its arguments, numbers given as numbers.
    fn format(&mut self, args: &[Expr]) -> Result<String, String> {
        let format = self.eval(&args[0])?.string();
        let mut values = Vec::new();
        for a in &args[1..] {
            values.push(self.eval(a)?);
        }
        // Which arguments a numeric conversion takes, so a number goes in whole; %c takes a code.
        let mut out = String::new();
        let chars: Vec<char> = format.chars().collect();
        let (mut i, mut next) = (0, 0);
        while i < chars.len() {
            if chars[i] != '%' {
                out.push(chars[i]);
                i += 1;
                continue;
            }
            let start = i;
            i += 1;
            while i < chars.len() && "-+ #0123456789.*".contains(chars[i]) {
                i += 1;
            }
            let Some(&conv) = chars.get(i) else {
                out.extend(&chars[start..]);
                break;
            };
            i += 1;
            let spec: String = chars[start..i].iter().collect();
            if conv == '%' {
                out.push('%');
                continue;
            }
            let mut spec = spec;
            // `*` widths take an argument each.
            while let Some(p) = spec.find('*') {
                let w = values.get(next).map_or(0.0, Val::num);
                next += 1;
                spec.replace_range(p..=p, &fmt_num(w.trunc()));
            }
            let v = values.get(next).cloned().unwrap_or(Val::Uninit);
            next += 1;
            out.push_str(&match conv {
                'd' | 'i' | 'o' | 'x' | 'X' | 'u' => crate::printf::printf(&spec, &[&fmt_num(v.num().trunc())]).0,
                'e' | 'E' | 'f' | 'F' | 'g' | 'G' => crate::printf::printf(&spec, &[&format!("{:e}", v.num())]).0,
                'c' => {
                    let text = match &v {
                        Val::Num(n) => char::from_u32(*n as u32).map(String::from).unwrap_or_default(),
                        other => other.string().chars().next().map(String::from).unwrap_or_default(),
                    };
                    crate::printf::printf(&spec.replace('c', "s"), &[&text]).0
                }
                's' => crate::printf::printf(&spec, &[&v.string()]).0,
                other => return Err(format!("bad conversion %{other} in printf")),
            });
        }
        Ok(out)
    }

    fn emit(&mut self, text: &str, target: &Option<(bool, Expr)>) -> Result<(), String> {
        let Some((append, file)) = target else {
            self.out.push_str(text);
            return Ok(());
        };
        let file = self.eval(file)?.string();
        match file.as_str() {
            "/dev/stdout" | "-" => self.out.push_str(text),
            "/dev/stderr" => self.err.push_str(text),
            _ => match self.written.iter_mut().find(|(f, _)| *f == file) {
                Some((_, t)) => t.push_str(text),
                None => {
                    let start = if *append { self.files.read(&file).unwrap_or_default() } else { String::new() };
                    self.written.push((file, start + text));
                }
            },
        }
        Ok(())
    }

    fn exec(&mut self, s: &Stmt) -> Result<Flow, String> {
        self.tick()?;
        match s {
            Stmt::Expr(e) => {
                self.eval(e)?;
            }
            Stmt::Print(args, target) => {
                let ofs = self.sv("OFS");
                let mut parts = Vec::new();
                if args.is_empty() {
                    parts.push(self.record.clone());
                }
                for a in args {
                    let v = self.eval(a)?;
                    parts.push(match v {
                        Val::Num(n) if n != n.trunc() || n.abs() >= 1e16 => fmt_with(&self.sv("OFMT"), n),
                        v => v.string(),
                    });
                }
                let text = parts.join(&ofs) + &self.sv("ORS");
                self.emit(&text, target)?;
            }
            Stmt::Printf(args, target) => {
                let text = self.format(args)?;
                self.emit(&text, target)?;
            }
            Stmt::If(c, a, b) => {
                if self.eval(c)?.truthy() {
                    return self.exec(a);
                } else if let Some(b) = b {
                    return self.exec(b);
                }
            }
            Stmt::While(c, body) => {
                while self.eval(c)?.truthy() {
                    match self.exec(body)? {
                        Flow::Break => break,
                        Flow::Next => return Ok(Flow::Next),
                        Flow::Exit => return Ok(Flow::Exit),
                        _ => self.tick()?,
                    }
                }
            }
            Stmt::Do(body, c) => loop {
                match self.exec(body)? {
                    Flow::Break => break,
                    Flow::Next => return Ok(Flow::Next),
                    Flow::Exit => return Ok(Flow::Exit),
                    _ => self.tick()?,
                }
                if !self.eval(c)?.truthy() {
                    break;
                }
            },
            Stmt::For(init, cond, step, body) => {
                if let Some(i) = init {
                    self.exec(i)?;
                }
                loop {
                    if let Some(c) = cond {
                        if !self.eval(c)?.truthy() {
                            break;
                        }
                    }
                    match self.exec(body)? {
                        Flow::Break => break,
                        Flow::Next => return Ok(Flow::Next),
                        Flow::Exit => return Ok(Flow::Exit),
                        _ => self.tick()?,
                    }
                    if let Some(s) = step {
                        self.exec(s)?;
                    }
                }
            }
            Stmt::ForIn(k, a, body) => {
                let keys: Vec<String> = self.arrays.get(a).map(|m| m.keys().cloned().collect()).unwrap_or_default();
                for key in keys {
                    self.vars.insert(k.clone(), Val::StrNum(key));
                    match self.exec(body)? {
                        Flow::Break => break,
                        Flow::Next => return Ok(Flow::Next),
                        Flow::Exit => return Ok(Flow::Exit),
                        _ => {}
                    }
                }
            }
            Stmt::Block(list) => {
                for s in list {
                    match self.exec(s)? {
                        Flow::Normal => {}
                        other => return Ok(other),
                    }
                }
            }
            Stmt::Next => return Ok(Flow::Next),
            Stmt::Exit(code) => {
                if let Some(c) = code {
                    self.exit_code = self.eval(c)?.num() as i32;
                }
                return Ok(Flow::Exit);
            }
            Stmt::Break => return Ok(Flow::Break),
            Stmt::Continue => return Ok(Flow::Continue),
            Stmt::Delete(a, keys) => match keys {
                Some(keys) => {
                    let k = self.key(keys)?;
                    if let Some(m) = self.arrays.get_mut(a) {
                        m.remove(&k);
                    }
                }
                None => {
                    self.arrays.remove(a);
                }
            },
        }
        Ok(Flow::Normal)
    }

    /// Counts a statement or a loop turn against [`MAX_STEPS`].
    fn tick(&mut self) -> Result<(), String> {
        self.steps += 1;
        if self.steps > MAX_STEPS {
            return Err(format!("the program ran more than {MAX_STEPS} statements and was stopped (a loop that never ends would hang the page)"));
        }
        Ok(())
    }
}

fn arith(op: &str, a: f64, b: f64) -> Result<f64, String> {
    Ok(match op {
        "+" => a + b,
        "-" => a - b,
        "*" => a * b,
        // mawk's: IEEE results (inf, nan), no error.
        "/" => a / b,
        "%" => a % b,
        _ => a.powf(b),
    })
}

/// An `-v`/operand assignment's value: escapes read, as awk does.
fn unescape(s: &str) -> String {
    lex(&format!("\"{}\"", s.replace('"', "\\\""))).ok().and_then(|t| match t.first() {
        Some((Tok::Str(s), _)) => Some(s.clone()),
        _ => None,
    }).unwrap_or_else(|| s.to_string())
}

/// Runs awk; returns (status, stdout, stderr). `name` is how errors begin
/// (`awk`), `busybox` picks BusyBox's words for a syntax error.
pub fn run(args: &[&str], stdin: &str, files: &mut dyn Files, busybox: bool) -> (i32, String, String) {
    let fail = |e: String| (2, String::new(), format!("awk: {e}\n"));
    let (mut program, mut fs, mut assigns, mut operands) = (None, None, Vec::new(), Vec::new());
    let mut i = 0;
    while let Some(&a) = args.get(i) {
        i += 1;
        match a {
            "--" => {
                operands.extend(args[i..].iter().copied());
                break;
            }
            "-F" | "-v" | "-f" => {
                let Some(&v) = args.get(i) else { return fail(format!("option requires an argument -- {}", &a[1..])) };
                i += 1;
                match a {
                    "-F" => fs = Some(v.to_string()),
                    "-v" => assigns.push(v.to_string()),
                    _ => match files.read(v) {
                        Ok(t) => program = Some(t),
                        Err(e) => return fail(format!("couldn't open file {e}")),
                    },
                }
            }
            f if f.starts_with("-F") => fs = Some(f[2..].to_string()),
            f if f.starts_with("-v") && f.len() > 2 => assigns.push(f[2..].to_string()),
            f if f.starts_with('-') && f.len() > 1 && program.is_none() => return fail(format!("not an option: {f}")),
            other if program.is_none() => program = Some(other.to_string()),
            other => operands.push(other),
        }
    }
    let Some(program) = program else { return (2, String::new(), "usage: awk [-F value] [-v var=value] [--] 'program text' [file ...]\n".to_string()) };
    let parsed = lex(&program).and_then(|toks| Parser { toks, pos: 0, no_gt: false, depth: 0 }.program());
    let items = match parsed {
        Ok(items) => items,
        Err(e) if busybox && e.contains("syntax error") => return (1, String::new(), format!("awk: cmd. line:{}: Unexpected token\n", e.trim_start_matches("line ").split(':').next().unwrap_or("1"))),
        Err(e) => return fail(e),
    };
    let mut awk = Awk { vars: BTreeMap::new(), arrays: BTreeMap::new(), record: String::new(), fields: Vec::new(), out: String::new(), err: String::new(), files, written: Vec::new(), exit_code: 0, steps: 0, regexes: BTreeMap::new(), random: 0x2545_f491_4f6c_dd1d, range_on: vec![false; items.len()], busybox };
    for (k, v) in [("FS", " "), ("OFS", " "), ("ORS", "\n"), ("RS", "\n"), ("SUBSEP", "\u{1c}"), ("CONVFMT", "%.6g"), ("OFMT", "%.6g"), ("NR", "0"), ("FNR", "0"), ("RSTART", "0"), ("RLENGTH", "-1"), ("FILENAME", "")] {
        awk.vars.insert(k.to_string(), if k.ends_with("NR") || k.starts_with('R') && k != "RS" { Val::Num(to_num(v)) } else { Val::Str(v.to_string()) });
    }
    if let Some(fs) = fs {
        let fs = if fs == "t" { "\t".to_string() } else { unescape(&fs) };
        awk.vars.insert("FS".into(), Val::Str(fs));
    }
    let assign = |awk: &mut Awk, a: &str| -> bool {
        match a.split_once('=') {
            Some((k, v)) if !k.is_empty() && k.chars().all(|c| c.is_alphanumeric() || c == '_') && !k.starts_with(|c: char| c.is_ascii_digit()) => {
                awk.vars.insert(k.to_string(), Val::StrNum(unescape(v)));
                true
            }
            _ => false,
        }
    };
    for a in &assigns {
        if !assign(&mut awk, a) {
            return fail(format!("improper assignment: -v {a}"));
        }
    }
    let result = awk.main(&items, &operands, stdin, &assign);
    let mut status = awk.exit_code;
    if let Err(e) = result {
        // mawk's run-time error, with where it was.
        let (file, fnr, nr) = (awk.sv("FILENAME"), awk.var("FNR").string(), awk.var("NR").string());
        awk.err.push_str(&if busybox { format!("awk: cmd. line:1: {e}\n") } else { format!("awk: run time error: {e}\n\tFILENAME=\"{file}\" FNR={fnr} NR={nr}\n") });
        status = 2;
    }
    for (file, text) in std::mem::take(&mut awk.written) {
        if let Err(e) = awk.files.write(&file, &text) {
            awk.err.push_str(&format!("awk: cannot open \"{file}\" for output ({e})\n"));
            status = 2;
        }
    }
    (status, awk.out, awk.err)
}

impl Awk<'_> {
    fn main(&mut self, items: &[Item], operands: &[&str], stdin: &str, assign: &dyn Fn(&mut Awk, &str) -> bool) -> Result<(), String> {
        let mut exiting = false;
        for (p, action) in items {
            if let (Pattern::Begin, Some(a)) = (p, action) {
                if let Flow::Exit = self.exec(&Stmt::Block(a.clone()))? {
                    exiting = true;
                    break;
                }
            }
        }
        let has_main = items.iter().any(|(p, _)| !matches!(p, Pattern::Begin));
        if !exiting && has_main {
            let inputs: Vec<&str> = if operands.iter().all(|o| o.contains('=') && !o.starts_with('/')) { operands.iter().copied().chain(["-"]).collect() } else { operands.to_vec() };
            'inputs: for name in inputs {
                if assign(self, name) {
                    continue;
                }
                let text = if name == "-" {
                    stdin.to_string()
                } else {
                    match self.files.read(name) {
                        Ok(t) => t,
                        Err(e) => {
                            self.err.push_str(&format!("awk: cannot open {e}\n"));
                            self.exit_code = 2;
                            continue;
                        }
                    }
                };
                if self.sv("RS") != "\n" {
                    return Err("a record separator (RS) other than a newline is not simulated in this version of Layer Lab".to_string());
                }
                self.vars.insert("FILENAME".into(), Val::Str(if name == "-" { String::new() } else { name.to_string() }));
                self.vars.insert("FNR".into(), Val::Num(0.0));
                for line in text.split_inclusive('\n') {
                    let line = line.strip_suffix('\n').unwrap_or(line);
                    let nr = self.var("NR").num() + 1.0;
                    self.vars.insert("NR".into(), Val::Num(nr));
                    let fnr = self.var("FNR").num() + 1.0;
                    self.vars.insert("FNR".into(), Val::Num(fnr));
                    self.set_record(line)?;
                    for (k, (p, action)) in items.iter().enumerate() {
                        let hit = match p {
                            Pattern::Begin | Pattern::End => false,
                            Pattern::All => true,
                            Pattern::Expr(e) => self.eval(e)?.truthy(),
                            Pattern::Range(a, b) => {
                                if self.range_on[k] {
                                    if self.eval(b)?.truthy() {
                                        self.range_on[k] = false;
                                    }
                                    true
                                } else if self.eval(a)?.truthy() {
                                    self.range_on[k] = !self.eval(b)?.truthy();
                                    true
                                } else {
                                    false
                                }
                            }
                        };
                        if !hit {
                            continue;
                        }
                        let flow = match action {
                            Some(a) => self.exec(&Stmt::Block(a.clone()))?,
                            None => self.exec(&Stmt::Print(Vec::new(), None))?,
                        };
                        match flow {
                            Flow::Next => break,
                            Flow::Exit => break 'inputs,
                            _ => {}
                        }
                    }
                }
            }
        }
        for (p, action) in items {
            if let (Pattern::End, Some(a)) = (p, action) {
                if let Flow::Exit = self.exec(&Stmt::Block(a.clone()))? {
                    break;
                }
            }
        }
        Ok(())
    }
}
