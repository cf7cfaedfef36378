//! Arithmetic expansion, `$((…))`, as sh evaluates it: 64-bit signed
//! integers that wrap, C's operators and precedence (with `**`), variables
//! named bare. `$x`, `${x}` and `$(…)` inside were expanded before: this
//! reads what is left.

/// The variables an expression reads and assigns.
pub trait Vars {
    /// A variable's value; None when it is unset.
    fn get(&self, name: &str) -> Option<String>;
    fn set(&mut self, name: &str, value: i64);
}

/// A shell's variables.
impl Vars for std::collections::BTreeMap<String, String> {
    fn get(&self, name: &str) -> Option<String> {
        std::collections::BTreeMap::get(self, name).cloned()
    }

    fn set(&mut self, name: &str, value: i64) {
        self.insert(name.to_string(), value.to_string());
    }
}

/// Evaluates `expr`; the error is the one busybox's sh prints.
pub fn eval(expr: &str, vars: &mut dyn Vars) -> Result<i64, String> {
    eval_nested(expr, vars, 0)
}

/// A variable holding an expression is evaluated in its turn; a chain this
/// deep is a loop (`a=b b=a`).
const MAX_DEPTH: u8 = 16;

fn eval_nested(expr: &str, vars: &mut dyn Vars, depth: u8) -> Result<i64, String> {
    if depth > MAX_DEPTH {
        return Err("expression recursion loop detected".to_string());
    }
    let toks = tokens(expr)?;
    if toks.is_empty() {
        return Ok(0);
    }
    let mut p = Eval { toks, pos: 0, vars, depth, level: 0 };
    let value = p.assign(true)?;
    match p.toks.get(p.pos) {
        None => Ok(value),
        Some(_) => Err(SYNTAX.to_string()),
    }
}

const SYNTAX: &str = "arithmetic syntax error";

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Num(i64),
    Name(String),
    Op(&'static str),
}

/// Longest first, so `<<=` is read before `<<` and `<`.
const OPS: [&str; 38] = [
    "<<=", ">>=", "**", "<<", ">>", "<=", ">=", "==", "!=", "&&", "||", "++", "--", "+=", "-=", "*=", "/=", "%=", "&=", "^=", "|=", "+", "-", "*", "/", "%",
    "<", ">", "&", "^", "|", "!", "~", "?", ":", "=", "(", ")",
];

fn tokens(expr: &str) -> Result<Vec<Tok>, String> {
    let mut toks = Vec::new();
    let mut rest = expr.trim_start();
    while let Some(c) = rest.chars().next() {
        if c.is_ascii_digit() {
            let end = rest.find(|c: char| !c.is_ascii_alphanumeric() && c != '_').unwrap_or(rest.len());
            toks.push(Tok::Num(number(&rest[..end]).ok_or(SYNTAX)?));
            rest = &rest[end..];
        } else if c.is_ascii_alphabetic() || c == '_' {
            let end = rest.find(|c: char| !c.is_ascii_alphanumeric() && c != '_').unwrap_or(rest.len());
            toks.push(Tok::Name(rest[..end].to_string()));
            rest = &rest[end..];
        } else {
            let op = OPS.iter().find(|op| rest.starts_with(**op)).ok_or(SYNTAX)?;
            toks.push(Tok::Op(op));
            rest = &rest[op.len()..];
        }
        rest = rest.trim_start();
    }
    Ok(toks)
}

/// A C integer constant: decimal, `0x` hex or `0` octal; too large wraps.
fn number(text: &str) -> Option<i64> {
    let (digits, radix) = match text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
        Some(hex) => (hex, 16),
        None if text.len() > 1 && text.starts_with('0') => (&text[1..], 8),
        None => (text, 10),
    };
    if digits.is_empty() {
        return None;
    }
    let mut value = 0i64;
    for c in digits.chars() {
        value = value.wrapping_mul(radix).wrapping_add(i64::from(c.to_digit(radix as u32)?));
    }
    Some(value)
}

/// Binding power of each binary operator; `**` alone is right-associative.
fn precedence(op: &str) -> Option<u8> {
    Some(match op {
        "||" => 1,
        "&&" => 2,
        "|" => 3,
        "^" => 4,
        "&" => 5,
        "==" | "!=" => 6,
        "<" | ">" | "<=" | ">=" => 7,
        "<<" | ">>" => 8,
        "+" | "-" => 9,
        "*" | "/" | "%" => 10,
        "**" => 11,
        _ => return None,
    })
}

/// `live` is false in a branch that is not taken (`0 && x=1`, `1 ? a : b=2`):
/// it is read for its syntax only, with no assignment and no error.
struct Eval<'a> {
    toks: Vec<Tok>,
    pos: usize,
    vars: &'a mut dyn Vars,
    depth: u8,
    /// Parentheses, conditions, assignments and unary operators open now.
    level: usize,
}

/// Nesting in one expression, at most: the evaluator recurses on it, and
/// the page's WebAssembly stack is 1 MB. Each parenthesis opens three
/// levels (assignment, condition, operand): 99 parentheses fit.
const MAX_LEVEL: usize = 300;

impl Eval<'_> {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos)
    }

    fn op(&self) -> Option<&'static str> {
        match self.peek() {
            Some(Tok::Op(op)) => Some(op),
            _ => None,
        }
    }

    fn want(&mut self, op: &str) -> Result<(), String> {
        if self.op() == Some(op) {
            self.pos += 1;
            Ok(())
        } else {
            Err(SYNTAX.to_string())
        }
    }

    /// Runs `f` one level deeper, or refuses past [`MAX_LEVEL`].
    fn nested(&mut self, live: bool, f: fn(&mut Self, bool) -> Result<i64, String>) -> Result<i64, String> {
        if self.level >= MAX_LEVEL {
            return Err("expression nested too deeply".to_string());
        }
        self.level += 1;
        let value = f(self, live);
        self.level -= 1;
        value
    }

    fn assign(&mut self, live: bool) -> Result<i64, String> {
        self.nested(live, Self::assignment)
    }

    fn condition(&mut self, live: bool) -> Result<i64, String> {
        self.nested(live, Self::ternary)
    }

    fn unary(&mut self, live: bool) -> Result<i64, String> {
        self.nested(live, Self::prefixed)
    }

    /// `NAME = e`, `NAME += e` and the other assignments, or a condition.
    fn assignment(&mut self, live: bool) -> Result<i64, String> {
        if let (Some(Tok::Name(name)), Some(Tok::Op(op))) = (self.peek(), self.toks.get(self.pos + 1)) {
            if op.ends_with('=') && !matches!(*op, "==" | "!=" | "<=" | ">=") {
                let (name, op) = (name.clone(), *op);
                self.pos += 2;
                let right = self.assign(live)?;
                if !live {
                    return Ok(0);
                }
                let value = match op.strip_suffix('=').unwrap_or_default() {
                    "" => right,
                    binary => apply(binary, self.variable(&name)?, right)?,
                };
                self.vars.set(&name, value);
                return Ok(value);
            }
        }
        self.condition(live)
    }

    /// `c ? a : b`
    fn ternary(&mut self, live: bool) -> Result<i64, String> {
        let test = self.binary(1, live)?;
        if self.op() != Some("?") {
            return Ok(test);
        }
        self.pos += 1;
        let yes = self.assign(live && test != 0)?;
        self.want(":")?;
        let no = self.condition(live && test == 0)?;
        Ok(if test != 0 { yes } else { no })
    }

    fn binary(&mut self, min: u8, live: bool) -> Result<i64, String> {
        let mut left = self.unary(live)?;
        while let Some(op) = self.op() {
            let Some(prec) = precedence(op).filter(|p| *p >= min) else { break };
            self.pos += 1;
            let next = if op == "**" { prec } else { prec + 1 };
            left = match op {
                "&&" => {
                    let right = self.binary(next, live && left != 0)?;
                    i64::from(left != 0 && right != 0)
                }
                "||" => {
                    let right = self.binary(next, live && left == 0)?;
                    i64::from(left != 0 || right != 0)
                }
                _ => {
                    let right = self.binary(next, live)?;
                    if live {
                        apply(op, left, right)?
                    } else {
                        0
                    }
                }
            };
        }
        Ok(left)
    }

    fn prefixed(&mut self, live: bool) -> Result<i64, String> {
        match self.op() {
            Some(op @ ("+" | "-" | "!" | "~")) => {
                self.pos += 1;
                let v = self.unary(live)?;
                Ok(match op {
                    "-" => v.wrapping_neg(),
                    "!" => i64::from(v == 0),
                    "~" => !v,
                    _ => v,
                })
            }
            Some(op @ ("++" | "--")) => {
                self.pos += 1;
                let Some(Tok::Name(name)) = self.peek().cloned() else {
                    return Err(SYNTAX.to_string());
                };
                self.pos += 1;
                self.step(&name, op, live, true)
            }
            _ => self.primary(live),
        }
    }

    fn primary(&mut self, live: bool) -> Result<i64, String> {
        let Some(tok) = self.peek().cloned() else {
            return Err(SYNTAX.to_string());
        };
        self.pos += 1;
        match tok {
            Tok::Num(n) => Ok(n),
            Tok::Op("(") => {
                let v = self.assign(live)?;
                self.want(")")?;
                Ok(v)
            }
            Tok::Name(name) => match self.op() {
                Some(op @ ("++" | "--")) => {
                    self.pos += 1;
                    self.step(&name, op, live, false)
                }
                _ if live => self.variable(&name),
                _ => Ok(0),
            },
            Tok::Op(_) => Err(SYNTAX.to_string()),
        }
    }

    /// `++x`, `x++`, `--x`, `x--`: the new value before, the old after.
    fn step(&mut self, name: &str, op: &str, live: bool, prefix: bool) -> Result<i64, String> {
        if !live {
            return Ok(0);
        }
        let old = self.variable(name)?;
        let new = if op == "++" { old.wrapping_add(1) } else { old.wrapping_sub(1) };
        self.vars.set(name, new);
        Ok(if prefix { new } else { old })
    }

    /// A variable's value: unset or empty is 0, else its text evaluated.
    fn variable(&mut self, name: &str) -> Result<i64, String> {
        match self.vars.get(name) {
            None => Ok(0),
            Some(text) if text.trim().is_empty() => Ok(0),
            Some(text) => match number(text.trim()) {
                Some(n) => Ok(n),
                None => eval_nested(&text, self.vars, self.depth + 1),
            },
        }
    }
}

fn apply(op: &str, a: i64, b: i64) -> Result<i64, String> {
    Ok(match op {
        "+" => a.wrapping_add(b),
        "-" => a.wrapping_sub(b),
        "*" => a.wrapping_mul(b),
        "/" | "%" if b == 0 => return Err("divide by zero".to_string()),
        "/" => a.wrapping_div(b),
        "%" => a.wrapping_rem(b),
        "**" if b < 0 => return Err("exponent less than 0".to_string()),
        "**" => a.wrapping_pow(u32::try_from(b).unwrap_or(u32::MAX)),
        "<<" => a.wrapping_shl(b as u32),
        ">>" => a.wrapping_shr(b as u32),
        "&" => a & b,
        "^" => a ^ b,
        "|" => a | b,
        "==" => i64::from(a == b),
        "!=" => i64::from(a != b),
        "<" => i64::from(a < b),
        ">" => i64::from(a > b),
        "<=" => i64::from(a <= b),
        ">=" => i64::from(a >= b),
        _ => return Err(SYNTAX.to_string()),
    })
}
