//! site-gen
