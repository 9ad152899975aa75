package jp.tokyo.juki.agency;

/** Why an agency's request file as a whole got an {@code .err.p7m} (the first characters of its text). */
public enum FileRefusal {
    A100("the file cannot be opened"),
    A110("the file is not signed by this agency's valid certificate"),
    A120("the request CSV cannot be read"),
    A130("the file is too large"),
    A140("rejected by a manager"),
    A150("the file name is not usable");

    private final String text;

    FileRefusal(String text) {
        this.text = text;
    }

    public String text() {
        return text;
    }
}
