package jp.tokyo.juki.cli;

/** Wiring of one capability into the gateway (see {@link Assembly}); no logic of its own. */
final class LinkWiring {
    private LinkWiring() {
    }

    static void wire(Assembly a) {
        // filled in by the capability's change
    }
}
