pub mod dictionary;
pub mod markup;
pub mod normalize;
pub mod segment;
