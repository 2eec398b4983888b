pub mod segment;
pub mod normalize;
