//! Model of the arena (being written).
