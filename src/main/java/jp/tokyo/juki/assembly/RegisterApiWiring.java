package jp.tokyo.juki.assembly;

import java.time.Clock;
import jp.tokyo.juki.api.OperatorsApi;
import jp.tokyo.juki.console.OperatorPages;
import jp.tokyo.juki.console.PasswordPage;
import jp.tokyo.juki.operator.Operators;
import org.apache.camel.Processor;

/**
 * The operator register's beans on the operator port: the API's actions ({@code apiOperators*},
 * {@code apiSessionPassword}; routes/operator-register.camel.yaml) and the console's pages
 * ({@code consoleOperators*}, {@code consolePassword*}; routes/console-operators.camel.yaml).
 */
final class RegisterApiWiring {
    private RegisterApiWiring() {
    }

    static void wire(Assembly a, Operators operators) {
        OperatorsApi api = new OperatorsApi(operators.register(), operators.logins(), Clock.systemUTC());
        a.bind("apiOperatorsList", (Processor) api::list);
        a.bind("apiOperatorsReviewReport", (Processor) api::reviewReport);
        a.bind("apiOperatorsIssue", (Processor) api::issue);
        a.bind("apiOperatorsGrant", (Processor) api::grant);
        a.bind("apiOperatorsWithdraw", (Processor) api::withdraw);
        a.bind("apiOperatorsTerminals", (Processor) api::terminals);
        a.bind("apiOperatorsResetPassword", (Processor) api::resetPassword);
        a.bind("apiOperatorsUnlock", (Processor) api::unlock);
        a.bind("apiOperatorsReview", (Processor) api::review);
        a.bind("apiOperatorsRevoke", (Processor) api::revoke);
        a.bind("apiSessionPassword", (Processor) api::changePassword);
        OperatorPages pages = new OperatorPages(operators.register());
        a.bind("consoleOperators", (Processor) pages::list);
        a.bind("consoleOperatorsReport", (Processor) pages::report);
        a.bind("consoleOperatorsIssue", (Processor) pages::issue);
        a.bind("consoleOperatorsGrant", (Processor) pages::grant);
        a.bind("consoleOperatorsWithdraw", (Processor) pages::withdraw);
        a.bind("consoleOperatorsTerminals", (Processor) pages::terminals);
        a.bind("consoleOperatorsResetPassword", (Processor) pages::resetPassword);
        a.bind("consoleOperatorsUnlock", (Processor) pages::unlock);
        a.bind("consoleOperatorsReview", (Processor) pages::review);
        a.bind("consoleOperatorsRevoke", (Processor) pages::revoke);
        PasswordPage password = new PasswordPage(operators.logins());
        a.bind("consolePasswordForm", (Processor) password::form);
        a.bind("consolePassword", (Processor) password::change);
    }
}
