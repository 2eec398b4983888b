pub mod normalize;
pub mod segment;
