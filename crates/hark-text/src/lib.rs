pub mod dictionary;
pub mod incremental;
pub mod markup;
pub mod normalize;
pub mod segment;
