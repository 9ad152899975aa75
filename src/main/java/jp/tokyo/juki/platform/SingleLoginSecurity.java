package jp.tokyo.juki.platform;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Set;
import org.apache.activemq.artemis.core.security.CheckType;
import org.apache.activemq.artemis.core.security.Role;
import org.apache.activemq.artemis.spi.core.security.ActiveMQSecurityManager;

/**
 * The embedded broker's security: exactly one login (the gateway's own, which operator tools
 * read from the data directory) may connect, and it may do everything; anyone else is
 * refused. Roles are not used — there is nobody to tell apart.
 */
public final class SingleLoginSecurity implements ActiveMQSecurityManager {
    private final byte[] user;
    private final byte[] password;

    public SingleLoginSecurity(String user, String password) {
        this.user = user.getBytes(StandardCharsets.UTF_8);
        this.password = password.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public boolean validateUser(String user, String password) {
        if (user == null || password == null) {
            return false;
        }
        // both compared in constant time, so a wrong guess does not tell how much was right
        boolean userOk = MessageDigest.isEqual(this.user, user.getBytes(StandardCharsets.UTF_8));
        boolean passwordOk = MessageDigest.isEqual(this.password, password.getBytes(StandardCharsets.UTF_8));
        return userOk & passwordOk;
    }

    @Override
    public boolean validateUserAndRole(String user, String password, Set<Role> roles, CheckType checkType) {
        return validateUser(user, password);
    }
}
