pub mod charts;
