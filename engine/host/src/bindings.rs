//! Generated bindings for the `plugin` world of `plugins/wit`; the only place
//! that runs `bindgen!`.
//!
//! Every import may trap (`trappable`), so that reading an undeclared kind of
//! evidence ends the evaluation instead of returning something plausible.

wasmtime::component::bindgen!({
    world: "plugin",
    path: "../../plugins/wit",
    imports: { default: trappable },
});
