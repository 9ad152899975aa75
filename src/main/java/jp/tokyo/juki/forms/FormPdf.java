package jp.tokyo.juki.forms;

/**
 * Prints forms as PDF (A4, Japanese, the IPAex Gothic font embedded). Contract for issue 13: the
 * forms helper replaces this body; the disclosure capability calls {@link #disclosure}.
 */
public final class FormPdf {
    private FormPdf() {
    }

    /** The disclosure form as PDF bytes. */
    public static byte[] disclosure(DisclosureForm form) {
        throw new UnsupportedOperationException("FormPdf.disclosure is being built (issue 13, branch h13-forms)");
    }
}
