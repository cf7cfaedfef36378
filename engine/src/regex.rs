//! POSIX regular expressions for `grep` and `sed`: basic (BRE, `\(` `\)`
//! `\{` `\}` `\+` `\?` `\|` as busybox reads them) and extended (ERE,
//! `grep -E`, `sed -E`). Bracket expressions with ranges and `[:class:]`,
//! anchors, groups (kept for `\1` in sed), alternation, `* + ? {n,m}`,
//! and GNU's `\w \W \s \S` classes and `\b \B \< \>` word boundaries.
//! Matching runs a Pike VM: time grows with pattern × text, never
//! exponentially, so no input hangs the page. A match is POSIX's: the
//! leftmost, then the longest (`a|ab` takes `ab`); within it, groups take
//! the first alternative that reaches that end.

/// What [`Regex::replace`] asks for each match: given its number and spans,
/// the replacement (None keeps it) and whether to go on.
pub type Replacer<'a> = dyn FnMut(usize, &[Option<(usize, usize)>]) -> (Option<String>, bool) + 'a;

/// A compiled pattern.
#[derive(Clone, Debug)]
pub struct Regex {
    prog: Vec<Inst>,
    groups: usize,
    ignore_case: bool,
    /// `.` matches a newline too (sed's pattern space; grep's lines have none).
    dot_all: bool,
}

#[derive(Clone, Debug)]
enum Inst {
    Char(char),
    Any,
    /// Ranges, and whether the set is negated.
    Class(Vec<(char, char)>, bool),
    Start,
    End,
    /// A word boundary test (GNU's `\b` `\B` `\<` `\>`), by its letter.
    Word(char),
    Split(usize, usize),
    Jmp(usize),
    Save(usize),
    Match,
}

/// Parsed form, before compiling.
#[derive(Clone, Debug)]
enum Node {
    Char(char),
    Any,
    Class(Vec<(char, char)>, bool),
    Start,
    End,
    Word(char),
    Group(usize, Box<Node>),
    Concat(Vec<Node>),
    Alt(Vec<Node>),
    Repeat(Box<Node>, u32, Option<u32>),
}

/// Repetition counts and program length, at most: `a{1000}{1000}` would
/// otherwise compile to a million instructions.
const MAX_COUNT: u32 = 255;
const MAX_PROGRAM: usize = 20_000;

struct Parser<'a> {
    chars: &'a [char],
    pos: usize,
    extended: bool,
    groups: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    /// Whether an operator (`(`, `|`, `+`…) starts here: bare in ERE, after a backslash in BRE.
    fn op(&self, c: char) -> bool {
        if self.extended {
            self.peek() == Some(c)
        } else {
            self.peek() == Some('\\') && self.chars.get(self.pos + 1) == Some(&c)
        }
    }

    fn take_op(&mut self, c: char) -> bool {
        let found = self.op(c);
        if found {
            self.pos += if self.extended { 1 } else { 2 };
        }
        found
    }

    fn alternation(&mut self) -> Result<Node, String> {
        let mut alts = vec![self.concat()?];
        while self.take_op('|') {
            alts.push(self.concat()?);
        }
        Ok(if alts.len() == 1 { alts.remove(0) } else { Node::Alt(alts) })
    }

    fn concat(&mut self) -> Result<Node, String> {
        let mut items = Vec::new();
        while self.peek().is_some() && !self.op('|') && !self.op(')') {
            let atom = self.atom(items.is_empty())?;
            items.push(self.repeats(atom)?);
        }
        Ok(Node::Concat(items))
    }

    fn repeats(&mut self, mut atom: Node) -> Result<Node, String> {
        loop {
            let (min, max) = if self.peek() == Some('*') {
                self.pos += 1;
                (0, None)
            } else if self.take_op('+') {
                (1, None)
            } else if self.take_op('?') {
                (0, Some(1))
            } else if self.take_op('{') {
                self.bounds()?
            } else {
                return Ok(atom);
            };
            atom = Node::Repeat(Box::new(atom), min, max);
        }
    }

    /// `n}`, `n,}` or `n,m}` after `{` (`\}` in BRE).
    fn bounds(&mut self) -> Result<(u32, Option<u32>), String> {
        let number = |p: &mut Self| {
            let start = p.pos;
            while p.peek().is_some_and(|c| c.is_ascii_digit()) {
                p.pos += 1;
            }
            p.chars[start..p.pos].iter().collect::<String>().parse::<u32>().ok()
        };
        let min = number(self).ok_or("invalid repetition count(s)")?;
        let max = if self.peek() == Some(',') {
            self.pos += 1;
            number(self)
        } else {
            Some(min)
        };
        if !self.take_op('}') || max.is_some_and(|m| m < min) || min > MAX_COUNT || max.is_some_and(|m| m > MAX_COUNT) {
            return Err("invalid repetition count(s)".to_string());
        }
        Ok((min, max))
    }

    fn atom(&mut self, first: bool) -> Result<Node, String> {
        if self.take_op('(') {
            self.groups += 1;
            let index = self.groups;
            let inner = self.alternation()?;
            if !self.take_op(')') {
                return Err("unmatched ( or \\(".to_string());
            }
            return Ok(Node::Group(index, Box::new(inner)));
        }
        let c = self.peek().ok_or("trailing backslash (\\)")?;
        self.pos += 1;
        Ok(match c {
            '.' => Node::Any,
            '^' if first || self.extended => Node::Start,
            '$' if self.extended || self.peek().is_none() || self.op('|') || self.op(')') => Node::End,
            '[' => self.bracket()?,
            // A star with nothing before it is a plain star in BRE.
            '*' if first && !self.extended => Node::Char('*'),
            '*' | '+' | '?' | '{' if self.extended => return Err("repetition-operator operand invalid".to_string()),
            '\\' => {
                let e = self.peek().ok_or("trailing backslash (\\)")?;
                self.pos += 1;
                // GNU's word and space classes.
                let word = vec![('0', '9'), ('A', 'Z'), ('_', '_'), ('a', 'z')];
                let space = vec![('\t', '\r'), (' ', ' ')];
                match e {
                    'n' => Node::Char('\n'),
                    't' => Node::Char('\t'),
                    'w' | 'W' => Node::Class(word, e == 'W'),
                    's' | 'S' => Node::Class(space, e == 'S'),
                    'b' | 'B' | '<' | '>' => Node::Word(e),
                    '`' => Node::Start,
                    '\'' => Node::End,
                    // \1 backreferences are not matched here.
                    '1'..='9' => return Err("back references are not simulated in this version of Layer Lab".to_string()),
                    other => Node::Char(other),
                }
            }
            other => Node::Char(other),
        })
    }

    fn bracket(&mut self) -> Result<Node, String> {
        let negated = self.peek() == Some('^');
        if negated {
            self.pos += 1;
        }
        let mut ranges = Vec::new();
        let mut first = true;
        loop {
            let c = self.peek().ok_or("brackets ([ ]) not balanced")?;
            self.pos += 1;
            if c == ']' && !first {
                break;
            }
            first = false;
            if c == '[' && self.peek() == Some(':') {
                let rest: String = self.chars[self.pos..].iter().collect();
                let end = rest.find(":]").ok_or("brackets ([ ]) not balanced")?;
                let class = &rest[1..end];
                ranges.extend_from_slice(match class {
                    "digit" => &[('0', '9')][..],
                    "lower" => &[('a', 'z')],
                    "upper" => &[('A', 'Z')],
                    "alpha" => &[('a', 'z'), ('A', 'Z')],
                    "alnum" => &[('a', 'z'), ('A', 'Z'), ('0', '9')],
                    "space" => &[(' ', ' '), ('\t', '\r')],
                    "blank" => &[(' ', ' '), ('\t', '\t')],
                    "punct" => &[('!', '/'), (':', '@'), ('[', '`'), ('{', '~')],
                    "xdigit" => &[('0', '9'), ('a', 'f'), ('A', 'F')],
                    _ => return Err("invalid character class".to_string()),
                });
                self.pos += class.chars().count() + 3;
                continue;
            }
            if self.peek() == Some('-') && self.chars.get(self.pos + 1).is_some_and(|n| *n != ']') {
                let end = self.chars[self.pos + 1];
                self.pos += 2;
                if end < c {
                    return Err("invalid character range".to_string());
                }
                ranges.push((c, end));
            } else {
                ranges.push((c, c));
            }
        }
        Ok(Node::Class(ranges, negated))
    }
}

fn compile(node: &Node, prog: &mut Vec<Inst>) -> Result<(), String> {
    if prog.len() > MAX_PROGRAM {
        return Err("regular expression too big".to_string());
    }
    match node {
        Node::Char(c) => prog.push(Inst::Char(*c)),
        Node::Any => prog.push(Inst::Any),
        Node::Class(r, n) => prog.push(Inst::Class(r.clone(), *n)),
        Node::Start => prog.push(Inst::Start),
        Node::End => prog.push(Inst::End),
        Node::Word(k) => prog.push(Inst::Word(*k)),
        Node::Group(i, inner) => {
            prog.push(Inst::Save(2 * i));
            compile(inner, prog)?;
            prog.push(Inst::Save(2 * i + 1));
        }
        Node::Concat(items) => {
            for n in items {
                compile(n, prog)?;
            }
        }
        Node::Alt(alts) => {
            let mut jumps = Vec::new();
            for (k, alt) in alts.iter().enumerate() {
                if k + 1 < alts.len() {
                    let split = prog.len();
                    prog.push(Inst::Split(split + 1, 0));
                    compile(alt, prog)?;
                    jumps.push(prog.len());
                    prog.push(Inst::Jmp(0));
                    let next = prog.len();
                    prog[split] = Inst::Split(split + 1, next);
                } else {
                    compile(alt, prog)?;
                }
            }
            let end = prog.len();
            for j in jumps {
                prog[j] = Inst::Jmp(end);
            }
        }
        Node::Repeat(inner, min, max) => {
            for _ in 0..*min {
                compile(inner, prog)?;
            }
            match max {
                None => {
                    // e*: L1: split L2, L3; L2: e; jmp L1; L3:
                    let split = prog.len();
                    prog.push(Inst::Split(split + 1, 0));
                    compile(inner, prog)?;
                    prog.push(Inst::Jmp(split));
                    let end = prog.len();
                    prog[split] = Inst::Split(split + 1, end);
                }
                Some(max) => {
                    let mut splits = Vec::new();
                    for _ in *min..*max {
                        splits.push(prog.len());
                        prog.push(Inst::Split(prog.len() + 1, 0));
                        compile(inner, prog)?;
                    }
                    let end = prog.len();
                    for s in splits {
                        prog[s] = Inst::Split(s + 1, end);
                    }
                }
            }
        }
    }
    Ok(())
}

impl Regex {
    /// Compiles `pattern`, basic or `extended`; the error is the one
    /// grep prints after `grep: `.
    pub fn new(pattern: &str, extended: bool, ignore_case: bool) -> Result<Regex, String> {
        let chars: Vec<char> = pattern.chars().collect();
        let mut p = Parser { chars: &chars, pos: 0, extended, groups: 0 };
        let node = p.alternation()?;
        if p.pos < chars.len() {
            return Err(if extended { "parentheses not balanced" } else { "unmatched ) or \\)" }.to_string());
        }
        let mut prog = vec![Inst::Save(0)];
        compile(&node, &mut prog)?;
        prog.push(Inst::Save(1));
        prog.push(Inst::Match);
        Ok(Regex { prog, groups: p.groups, ignore_case, dot_all: false })
    }

    /// The same pattern, with `.` matching a newline (as sed's does).
    pub fn dot_all(mut self) -> Regex {
        self.dot_all = true;
        self
    }

    /// A literal string (`grep -F`).
    pub fn literal(text: &str, ignore_case: bool) -> Regex {
        let mut prog = vec![Inst::Save(0)];
        prog.extend(text.chars().map(Inst::Char));
        prog.push(Inst::Save(1));
        prog.push(Inst::Match);
        Regex { prog, groups: 0, ignore_case, dot_all: false }
    }

    pub fn is_match(&self, text: &str) -> bool {
        self.find_at(&text.chars().collect::<Vec<_>>(), 0).is_some()
    }

    /// The leftmost match at or after `from` (character indices): each
    /// group's span, the whole match first.
    pub fn find_at(&self, text: &[char], from: usize) -> Option<Vec<Option<(usize, usize)>>> {
        let n = self.prog.len();
        let slots = 2 * (self.groups + 1);
        // Threads in priority order: (pc, saved positions).
        let (mut clist, mut cseen) = (Vec::new(), vec![false; n]);
        let mut matched: Option<Vec<Option<usize>>> = None;
        let mut pos = from;
        while pos <= text.len() {
            if matched.is_none() {
                // A thread starts at each position until one matches: the match is leftmost.
                self.add(&mut clist, &mut cseen, 0, vec![None; slots], text, pos);
            }
            if clist.is_empty() {
                // No thread alive: done if one matched, else try the next start (`$` fails before the end).
                if matched.is_some() || pos == text.len() {
                    break;
                }
                cseen.fill(false);
                pos += 1;
                continue;
            }
            let (mut nlist, mut nseen) = (Vec::new(), vec![false; n]);
            for (pc, caps) in clist.drain(..) {
                // Once a match is found, threads that started later cannot be leftmost.
                if matched.as_ref().is_some_and(|m| caps[0] > m[0]) {
                    continue;
                }
                match &self.prog[pc] {
                    Inst::Match => {
                        // Threads of lower priority go on: a longer match from the same start wins.
                        if matched.as_ref().is_none_or(|m| caps[0] < m[0] || caps[1] > m[1]) {
                            matched = Some(caps);
                        }
                    }
                    inst => {
                        if text.get(pos).is_some_and(|c| self.step(inst, *c)) {
                            self.add(&mut nlist, &mut nseen, pc + 1, caps, text, pos + 1);
                        }
                    }
                }
            }
            (clist, cseen) = (nlist, nseen);
            pos += 1;
        }
        matched.map(|caps| (0..=self.groups).map(|g| Some((caps[2 * g]?, caps[2 * g + 1]?))).collect())
    }

    /// Replaces matches in `text` as sed's `s` and awk's `gsub` do, left to
    /// right; an empty match right after a match is skipped (`s/b*/X/g` on
    /// abc is XaXcX). `each(n, spans)` gives the nth match's replacement
    /// (None keeps the match) and whether to look for more. Returns the text
    /// and how many matches were replaced.
    pub fn replace(&self, text: &[char], each: &mut Replacer) -> (String, usize) {
        let mut out = String::new();
        let (mut pos, mut count, mut replaced) = (0, 0, 0);
        let mut previous_end = None;
        while pos <= text.len() {
            let Some(groups) = self.find_at(text, pos) else { break };
            let Some((start, end)) = groups[0] else { break };
            if start == end && previous_end == Some(start) {
                out.extend(&text[pos..(start + 1).min(text.len())]);
                pos = start + 1;
                continue;
            }
            previous_end = (end > start).then_some(end);
            count += 1;
            out.extend(&text[pos..start]);
            let (with, more) = each(count, &groups);
            match with {
                Some(w) => {
                    out.push_str(&w);
                    replaced += 1;
                }
                None => out.extend(&text[start..end]),
            }
            if end == start {
                // An empty match: keep the next character and move past it.
                if let Some(c) = text.get(end) {
                    out.push(*c);
                }
                pos = end + 1;
            } else {
                pos = end;
            }
            if !more {
                break;
            }
        }
        if pos < text.len() {
            out.extend(&text[pos..]);
        }
        (out, replaced)
    }

    fn step(&self, inst: &Inst, c: char) -> bool {
        let fold = |x: char| if self.ignore_case { x.to_ascii_lowercase() } else { x };
        match inst {
            Inst::Char(x) => fold(*x) == fold(c),
            Inst::Any => self.dot_all || c != '\n',
            Inst::Class(ranges, negated) => {
                let hit = |ch: char| ranges.iter().any(|(a, b)| ch >= *a && ch <= *b);
                (hit(c) || (self.ignore_case && (hit(c.to_ascii_lowercase()) || hit(c.to_ascii_uppercase())))) != *negated
            }
            _ => false,
        }
    }

    /// Adds the thread at `pc` and what its empty moves reach, in priority order.
    fn add(&self, list: &mut Vec<(usize, Vec<Option<usize>>)>, seen: &mut [bool], pc: usize, mut caps: Vec<Option<usize>>, text: &[char], pos: usize) {
        // An explicit stack, not recursion: a long program would otherwise exhaust the wasm stack.
        let mut stack = vec![(pc, None::<(usize, Option<usize>)>)];
        while let Some((pc, restore)) = stack.pop() {
            if let Some((slot, old)) = restore {
                caps[slot] = old;
                continue;
            }
            if pc >= self.prog.len() || seen[pc] {
                continue;
            }
            seen[pc] = true;
            match &self.prog[pc] {
                Inst::Jmp(x) => stack.push((*x, None)),
                Inst::Split(x, y) => {
                    stack.push((*y, None));
                    stack.push((*x, None));
                }
                Inst::Save(slot) => {
                    stack.push((0, Some((*slot, caps[*slot]))));
                    caps[*slot] = Some(pos);
                    stack.push((pc + 1, None));
                }
                Inst::Start => {
                    if pos == 0 {
                        stack.push((pc + 1, None));
                    }
                }
                Inst::End => {
                    if pos == text.len() {
                        stack.push((pc + 1, None));
                    }
                }
                Inst::Word(kind) => {
                    let word = |c: &char| c.is_alphanumeric() || *c == '_';
                    let before = pos > 0 && text.get(pos - 1).is_some_and(word);
                    let after = text.get(pos).is_some_and(word);
                    let holds = match kind {
                        'b' => before != after,
                        'B' => before == after,
                        '<' => !before && after,
                        _ => before && !after,
                    };
                    if holds {
                        stack.push((pc + 1, None));
                    }
                }
                _ => list.push((pc, caps.clone())),
            }
        }
    }
}
