use atomicarena::{ArenaAlloc, Arenas};

#[derive(ArenaAlloc)]
#[arena(capacity = 16)]
pub struct Name(pub String);

pub struct Foo(u32);

#[derive(Arenas)]
pub struct Ast {
    names: NameArena,
    spans: atomicarena::Arena<(u32, u32), 16>,
}

fn main() {
    let ast = Ast::new();
    ast.alloc(Name("x".into())).unwrap();
    ast.alloc(Foo(1)).unwrap(); // no field stores `Foo`
    ast.alloc_slice_copy(&[1_u8, 2]).unwrap(); // nor `u8`
}
