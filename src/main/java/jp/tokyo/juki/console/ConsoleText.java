package jp.tokyo.juki.console;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The console's words in Japanese and English. A page asks for {@link #t} by key; a key without a
 * translation shows the key itself (a test finds it). Add a page's words here, both languages.
 */
public final class ConsoleText {
    private static final Map<String, String[]> TEXT = new ConcurrentHashMap<>();

    static {
        add("app", "住基ネット 都道府県サーバ ゲートウェイ", "Juki-net prefectural gateway");
        add("login", "ログイン", "Log in");
        add("logout", "ログアウト", "Log out");
        add("password", "パスワード", "Password");
        add("terminal", "端末ID", "Terminal ID");
        add("operator", "操作者", "Operator");
        add("certificate", "証明書", "Certificate");
        add("roles", "役割", "Roles");
        add("home", "ホーム", "Home");
        add("welcome", "ようこそ", "Welcome");
        add("locked.title", "端末はロックされています", "This terminal is locked");
        add("locked.text", "一定時間操作がなかったため、端末をロックしました。続けるには再度ログインしてください。",
                "The terminal was locked after a period without use. Log in again to continue.");
        add("ended.text", "セッションは終了しました。再度ログインしてください。", "The session has ended. Log in again.");
        add("refused", "操作は拒否されました", "The action was refused");
        add("code", "コード", "Code");
        add("reason", "理由", "Reason");
        add("back", "戻る", "Back");
        add("language", "English", "日本語");
        add("nav.approvals", "大量照会の承認", "Approvals");
        add("nav.dlq", "デッドレター", "Dead letters");
        add("nav.national", "全国照会", "National query");
        add("nav.search", "本人確認情報検索", "Search");
        add("nav.disclosures", "開示請求", "Disclosures");
        add("nav.forms", "帳票管理簿", "Form register");
        add("nav.corrections", "訂正・利用停止", "Corrections");
        add("nav.statistics", "統計", "Statistics");
        add("nav.search-report", "検索件数", "Searches");
        add("nav.retention", "保存期間", "Retention");
        add("nav.history", "本人の監査履歴", "Audit history of a person");
        add("nav.status", "状態", "Status");
        add("nav.operators", "操作者管理", "Operators");
        add("nav.password", "パスワード変更", "Change my password");
        add("session.since", "ログイン時刻", "Logged in at");
        add("idle.note", "操作がないまま{0}分経過すると端末はロックされます。", "The terminal locks after {0} minutes without use.");
    }

    private ConsoleText() {
    }

    /** Adds a key with its two texts (for pages' own words). */
    public static void add(String key, String japanese, String english) {
        TEXT.put(key, new String[] {japanese, english});
    }

    /** The text of {@code key} in {@code lang} ("ja" or "en"). */
    public static String t(String lang, String key) {
        String[] pair = TEXT.get(key);
        if (pair == null) {
            return key;
        }
        return "en".equals(lang) ? pair[1] : pair[0];
    }
}
