package jp.tokyo.juki.cli;

/** Wiring of one capability into the gateway (see {@link Assembly}); no logic of its own. */
final class NationalQueryWiring {
    private NationalQueryWiring() {
    }

    static void wire(Assembly a) {
        // filled in by the capability's change
    }
}
