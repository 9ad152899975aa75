package jp.tokyo.juki.national;

/** A national server did not take a notice; the delivery route retries, then dead-letters it. */
public final class NationalDeliveryException extends Exception {
    public NationalDeliveryException(String message) {
        super(message);
    }
}
