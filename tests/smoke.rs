#[test]
fn smoke() {
    let a: atomicarena::Arena<u32, 4> = atomicarena::Arena::new();
    assert_eq!(*a.alloc(3).unwrap(), 3);
}
