package jp.tokyo.juki.record;

/**
 * Check digits of the three codes the gateway receives (PROTOCOL §3.4).
 * Each {@code isValid} method expects a string of digits of the right length; callers check
 * the format first so that a wrong format ({@code E110}) is told apart from a wrong check
 * digit ({@code E120}).
 */
public final class CheckDigits {
    private CheckDigits() {
    }

    /** 住民票コード: 11 digits, weights 2,3,4,5,6,7,2,3,4,5 from the right of the first ten. */
    public static int juminhyoCodeCheckDigit(String firstTen) {
        requireDigits(firstTen, 10);
        int[] weights = {2, 3, 4, 5, 6, 7, 2, 3, 4, 5};
        int sum = 0;
        for (int i = 0; i < 10; i++) {
            int digit = firstTen.charAt(9 - i) - '0';
            sum += digit * weights[i];
        }
        int r = sum % 11;
        return r <= 1 ? 0 : 11 - r;
    }

    /** 個人番号: 12 digits, weights 6,5,4,3,2,7,6,5,4,3,2 left to right over the first eleven. */
    public static int myNumberCheckDigit(String firstEleven) {
        requireDigits(firstEleven, 11);
        int[] weights = {6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2};
        int sum = 0;
        for (int i = 0; i < 11; i++) {
            sum += (firstEleven.charAt(i) - '0') * weights[i];
        }
        int r = sum % 11;
        return r <= 1 ? 0 : 11 - r;
    }

    /** 団体コード: (11 − (6a+5b+4c+3d+2e) mod 11) mod 10 over the first five digits. */
    public static int municipalityCheckDigit(String firstFive) {
        requireDigits(firstFive, 5);
        int sum = 0;
        for (int i = 0; i < 5; i++) {
            sum += (firstFive.charAt(i) - '0') * (6 - i);
        }
        return (11 - sum % 11) % 10;
    }

    public static boolean isValidJuminhyoCode(String code) {
        return isDigits(code, 11) && juminhyoCodeCheckDigit(code.substring(0, 10)) == code.charAt(10) - '0';
    }

    public static boolean isValidMyNumber(String number) {
        return isDigits(number, 12) && myNumberCheckDigit(number.substring(0, 11)) == number.charAt(11) - '0';
    }

    public static boolean isValidMunicipalityCode(String code) {
        return isDigits(code, 6) && municipalityCheckDigit(code.substring(0, 5)) == code.charAt(5) - '0';
    }

    /** Appends the check digit: a full 住民票コード from its first ten digits. */
    public static String completeJuminhyoCode(String firstTen) {
        return firstTen + juminhyoCodeCheckDigit(firstTen);
    }

    /** Appends the check digit: a full 個人番号 from its first eleven digits. */
    public static String completeMyNumber(String firstEleven) {
        return firstEleven + myNumberCheckDigit(firstEleven);
    }

    public static boolean isDigits(String s, int length) {
        if (s == null || s.length() != length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    private static void requireDigits(String s, int length) {
        if (!isDigits(s, length)) {
            throw new IllegalArgumentException("expected " + length + " digits");
        }
    }
}
