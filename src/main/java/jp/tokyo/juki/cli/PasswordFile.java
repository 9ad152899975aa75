package jp.tokyo.juki.cli;

import java.io.Console;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;

/**
 * An operator's password for a command: read from a file only its owner can read (issue 12 item 5:
 * the file must belong to the user running the command and grant nothing to group or others, e.g.
 * mode 0600; a link is not followed), or prompted on the console without echo. The password's
 * first line, without its line end; never printed.
 */
final class PasswordFile {
    private static final int MAX_BYTES = 4096;
    private static final Set<PosixFilePermission> OWNER_ONLY = EnumSet.of(PosixFilePermission.OWNER_READ,
            PosixFilePermission.OWNER_WRITE);

    private PasswordFile() {
    }

    /** A password file refused or unreadable: the message says why, never what it holds. */
    static final class Refused extends Exception {
        Refused(String message) {
            super(message, null, false, false);
        }
    }

    /** The password in {@code file}, which must be a regular file of the current user, readable by them only. */
    static char[] read(Path file) throws Refused {
        byte[] bytes = null;
        try {
            PosixFileAttributes a = Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (!a.isRegularFile()) {
                throw new Refused("password file " + file + " is not a regular file (a link is not followed)");
            }
            String user = System.getProperty("user.name");
            if (!a.owner().getName().equals(user)) {
                throw new Refused("password file " + file + " belongs to " + a.owner().getName() + ", not to " + user);
            }
            if (!OWNER_ONLY.containsAll(a.permissions())) {
                throw new Refused("password file " + file + " may be read by others: make it readable by its owner only "
                        + "(chmod 600)");
            }
            if (a.size() > MAX_BYTES) {
                throw new Refused("password file " + file + " is larger than " + MAX_BYTES + " bytes");
            }
            bytes = Files.readAllBytes(file);
            int end = 0;
            while (end < bytes.length && bytes[end] != '\n' && bytes[end] != '\r') {
                end++;
            }
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes, 0, end));
            char[] password = new char[chars.remaining()];
            chars.get(password);
            Arrays.fill(chars.array(), '\0');
            if (password.length == 0) {
                throw new Refused("password file " + file + " holds no password on its first line");
            }
            return password;
        } catch (CharacterCodingException e) {
            throw new Refused("password file " + file + " is not UTF-8");
        } catch (UnsupportedOperationException e) {
            throw new Refused("password file " + file + ": its owner and mode cannot be checked on this file system");
        } catch (IOException e) {
            throw new Refused("password file " + file + " cannot be read: " + e.getClass().getSimpleName());
        } finally {
            if (bytes != null) {
                Arrays.fill(bytes, (byte) 0);
            }
        }
    }

    /** The password typed twice on the console (no echo), for {@code what}. */
    static char[] prompt(String what) throws Refused {
        Console console = System.console();
        if (console == null) {
            throw new Refused("no console to ask for the password: give --password-file");
        }
        char[] first = console.readPassword("password for %s: ", what);
        char[] second = console.readPassword("the same password again: ");
        try {
            if (first == null || second == null || first.length == 0) {
                throw new Refused("no password given");
            }
            if (!Arrays.equals(first, second)) {
                throw new Refused("the two passwords differ");
            }
            return first.clone();
        } finally {
            if (first != null) {
                Arrays.fill(first, '\0');
            }
            if (second != null) {
                Arrays.fill(second, '\0');
            }
        }
    }
}
