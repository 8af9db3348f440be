//! The runtime's integration tests, in one test binary: real brokers on 127.0.0.1 and
//! requests in flight. The broker tests need the `mqtt` and `amqp` features (on in a
//! workspace build, which the tests crate's features unify).

#[cfg(all(feature = "mqtt", feature = "amqp"))]
mod brokers;
mod in_flight;
