//! libdogapi: see README.md
