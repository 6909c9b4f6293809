//! A small compiler front end on an arena bundle: two source files are lexed and parsed on two
//! threads into one `#[derive(Arenas)]` bundle (tokens, an AST whose nodes point at each other,
//! statements, interned names), then evaluated.
//!
//! Every node is allocated with `front.alloc(...)`: the bundle sends it to the field that
//! stores its type. The AST lives in `no_drop` arenas, so nodes can borrow other nodes of the
//! same bundle; names are interned once for both threads, in a field that owns their text.
//!
//! Run with `cargo run --example frontend`.

use std::collections::HashMap;
use std::sync::Mutex;

use atomicarena::{ArenaAlloc, Arenas, DroplessArena, Full};

/// A token, borrowing the source text.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Token<'a> {
    Num(i64),
    Ident(&'a str),
    Let,
    Print,
    Op(char),
    Eq,
    Semi,
    Open,
    Close,
}

/// An interned name: one per distinct spelling, shared by every file.
#[derive(ArenaAlloc, Debug)]
#[arena(capacity = 256)] // -> `SymbolArena`, which drops the names' `String`s
struct Symbol {
    id: u32,
    text: String,
}

/// An expression: its nodes are references into the same bundle.
#[derive(ArenaAlloc, Debug)]
#[arena(capacity = 4096, no_drop)] // -> `ExprArena<'a>`, no destructor
enum Expr<'a> {
    Num(i64),
    Var(&'a Symbol),
    Neg(&'a Expr<'a>),
    Bin(char, &'a Expr<'a>, &'a Expr<'a>),
}

/// A statement.
#[derive(Debug)]
enum Stmt<'a> {
    Let(&'a Symbol, &'a Expr<'a>),
    Print(&'a Expr<'a>),
}

/// Everything the front end allocates, for both files: one struct, `alloc` by type.
#[derive(Arenas)]
struct Front<'a> {
    tokens: DroplessArena<Token<'a>, 4096>,
    exprs: ExprArena<'a>,
    stmts: DroplessArena<Stmt<'a>, 512>,
    symbols: SymbolArena,
}

/// The front end's error: a syntax error, or an arena that is full.
enum Error {
    Syntax(String),
    Full,
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Syntax(message) => write!(f, "syntax error: {message}"),
            Error::Full => f.write_str("an arena of the bundle is full"),
        }
    }
}

impl<T> From<Full<T>> for Error {
    fn from(_: Full<T>) -> Self {
        Error::Full
    }
}

/// Interns names into the bundle, for both threads.
struct Interner<'a> {
    front: &'a Front<'a>,
    map: Mutex<HashMap<&'a str, &'a Symbol>>,
}

impl<'a> Interner<'a> {
    fn intern(&self, text: &str) -> Result<&'a Symbol, Error> {
        let mut map = self.map.lock().unwrap();
        if let Some(&symbol) = map.get(text) {
            return Ok(symbol);
        }
        let id = u32::try_from(map.len()).expect("fewer than 2^32 names");
        let symbol: &'a Symbol = self.front.alloc(Symbol {
            id,
            text: text.to_owned(),
        })?;
        map.insert(&symbol.text, symbol);
        Ok(symbol)
    }
}

/// Splits `src` into tokens, stored in the bundle as one slice (one copy).
fn lex<'a>(front: &'a Front<'a>, src: &'a str) -> Result<&'a [Token<'a>], Error> {
    let mut tokens = Vec::new();
    let mut rest = src;
    while let Some(c) = rest.chars().next() {
        let len = if c.is_whitespace() {
            c.len_utf8()
        } else if c.is_ascii_digit() {
            let end = rest
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(rest.len());
            let n = rest[..end]
                .parse()
                .map_err(|e| Error::Syntax(format!("{e}")))?;
            tokens.push(Token::Num(n));
            end
        } else if c.is_alphabetic() {
            let end = rest
                .find(|c: char| !c.is_alphanumeric() && c != '_')
                .unwrap_or(rest.len());
            tokens.push(match &rest[..end] {
                "let" => Token::Let,
                "print" => Token::Print,
                word => Token::Ident(word),
            });
            end
        } else {
            tokens.push(match c {
                '+' | '-' | '*' | '/' => Token::Op(c),
                '=' => Token::Eq,
                ';' => Token::Semi,
                '(' => Token::Open,
                ')' => Token::Close,
                _ => return Err(Error::Syntax(format!("unexpected `{c}`"))),
            });
            1
        };
        rest = &rest[len..];
    }
    Ok(front.alloc_slice_copy(&tokens)?)
}

/// A recursive-descent parser over tokens in the bundle, allocating its nodes there too.
struct Parser<'a, 'i> {
    front: &'a Front<'a>,
    names: &'i Interner<'a>,
    tokens: &'a [Token<'a>],
    pos: usize,
}

impl<'a> Parser<'a, '_> {
    fn peek(&self) -> Option<Token<'a>> {
        self.tokens.get(self.pos).copied()
    }

    fn next(&mut self) -> Option<Token<'a>> {
        let t = self.peek();
        self.pos += 1;
        t
    }

    fn expect(&mut self, want: Token<'a>) -> Result<(), Error> {
        match self.next() {
            Some(t) if t == want => Ok(()),
            other => Err(Error::Syntax(format!("expected {want:?}, found {other:?}"))),
        }
    }

    fn program(&mut self) -> Result<Vec<&'a Stmt<'a>>, Error> {
        let mut stmts = Vec::new();
        while self.peek().is_some() {
            let stmt = match self.next() {
                Some(Token::Let) => {
                    let Some(Token::Ident(name)) = self.next() else {
                        return Err(Error::Syntax("expected a name after `let`".into()));
                    };
                    let symbol = self.names.intern(name)?;
                    self.expect(Token::Eq)?;
                    Stmt::Let(symbol, self.expr()?)
                }
                Some(Token::Print) => Stmt::Print(self.expr()?),
                other => return Err(Error::Syntax(format!("unexpected {other:?}"))),
            };
            self.expect(Token::Semi)?;
            stmts.push(&*self.front.alloc(stmt)?);
        }
        Ok(stmts)
    }

    /// `expr := term (('+' | '-') term)*`
    fn expr(&mut self) -> Result<&'a Expr<'a>, Error> {
        let mut left = self.term()?;
        while let Some(Token::Op(op @ ('+' | '-'))) = self.peek() {
            self.pos += 1;
            let right = self.term()?;
            left = self.front.alloc(Expr::Bin(op, left, right))?;
        }
        Ok(left)
    }

    /// `term := atom (('*' | '/') atom)*`
    fn term(&mut self) -> Result<&'a Expr<'a>, Error> {
        let mut left = self.atom()?;
        while let Some(Token::Op(op @ ('*' | '/'))) = self.peek() {
            self.pos += 1;
            let right = self.atom()?;
            left = self.front.alloc(Expr::Bin(op, left, right))?;
        }
        Ok(left)
    }

    /// `atom := number | name | '-' atom | '(' expr ')'`
    fn atom(&mut self) -> Result<&'a Expr<'a>, Error> {
        let expr = match self.next() {
            Some(Token::Num(n)) => Expr::Num(n),
            Some(Token::Ident(name)) => Expr::Var(self.names.intern(name)?),
            Some(Token::Op('-')) => Expr::Neg(self.atom()?),
            Some(Token::Open) => {
                let inner = self.expr()?;
                self.expect(Token::Close)?;
                return Ok(inner);
            }
            other => return Err(Error::Syntax(format!("unexpected {other:?}"))),
        };
        Ok(self.front.alloc(expr)?)
    }
}

fn eval(e: &Expr<'_>, env: &HashMap<u32, i64>) -> i64 {
    match *e {
        Expr::Num(n) => n,
        Expr::Var(s) => env[&s.id],
        Expr::Neg(a) => -eval(a, env),
        Expr::Bin(op, a, b) => {
            let (a, b) = (eval(a, env), eval(b, env));
            match op {
                '+' => a + b,
                '-' => a - b,
                '*' => a * b,
                _ => a / b,
            }
        }
    }
}

/// Runs a parsed program; returns what it printed.
fn run(stmts: &[&Stmt<'_>]) -> Vec<i64> {
    let mut env = HashMap::new();
    let mut out = Vec::new();
    for stmt in stmts {
        match **stmt {
            Stmt::Let(name, value) => {
                let v = eval(value, &env);
                env.insert(name.id, v);
            }
            Stmt::Print(e) => out.push(eval(e, &env)),
        }
    }
    out
}

const GEOMETRY: &str = "
    let width = 12;
    let height = 5;
    let area = width * height;
    print area;
    print 2 * (width + height);
    print -(area - 100) / 4;
";

const FINANCE: &str = "
    let price = 250;
    let count = 12;
    let total = price * count;
    let width = 3;
    print total;
    print total - total / 10;
    print (count + width) * -2;
";

fn main() {
    // About 100 KB of arenas, built empty in place on the heap.
    let front = Front::new_boxed();
    let names = Interner {
        front: &front,
        map: Mutex::new(HashMap::new()),
    };

    // One thread per file, both allocating into the same bundle.
    let programs: Vec<(&str, Vec<&Stmt<'_>>)> = std::thread::scope(|s| {
        let files = [("geometry", GEOMETRY), ("finance", FINANCE)];
        let handles: Vec<_> = files
            .into_iter()
            .map(|(file, src)| {
                let (front, names) = (&*front, &names);
                s.spawn(move || {
                    let parse = || {
                        let tokens = lex(front, src)?;
                        let mut parser = Parser {
                            front,
                            names,
                            tokens,
                            pos: 0,
                        };
                        parser.program()
                    };
                    match parse() {
                        Ok(stmts) => (file, stmts),
                        Err(e) => panic!("{file}: {e}"),
                    }
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("parser thread"))
            .collect()
    });

    for (file, stmts) in &programs {
        println!(
            "{file}: {} statements, prints {:?}",
            stmts.len(),
            run(stmts)
        );
    }
    let outputs: Vec<Vec<i64>> = programs.iter().map(|(_, stmts)| run(stmts)).collect();
    assert_eq!(outputs[0], [60, 34, 10]);
    assert_eq!(outputs[1], [3000, 2700, -30]);

    // `width` appears in both files: interned once, by whichever thread came first (the ids
    // follow the order in which the two threads met the names).
    let symbols = names.map.lock().unwrap();
    let mut sorted: Vec<_> = symbols.values().map(|s| (s.text.as_str(), s.id)).collect();
    sorted.sort_unstable();
    println!("{} interned names: {sorted:?}", sorted.len());
    assert_eq!(sorted.len(), 6); // width, height, area, price, count, total
    assert_eq!(front.symbols.len(), 6); // one `Symbol` each in the bundle
    drop(symbols);

    println!(
        "bundle: {} values in {} bytes ({} tokens, {} expression nodes, {} statements, {} names)",
        front.len(),
        front.bytes_used(),
        front.tokens.len(),
        front.exprs.len(),
        front.stmts.len(),
        front.symbols.len(),
    );
    assert_eq!(
        front.len(),
        front.tokens.len() + front.exprs.len() + front.stmts.len() + front.symbols.len()
    );
}
