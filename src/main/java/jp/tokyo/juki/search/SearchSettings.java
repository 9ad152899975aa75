package jp.tokyo.juki.search;

import jp.tokyo.juki.platform.Setting;

/** The search's settings ({@code juki.search.*}; R-SRCH, R-AUD-ANALYSIS; docs/operations/search.md). */
public final class SearchSettings {
    public static final Setting<Integer> MAX_RESULTS = Setting.positive("juki.search.max-results", 100, "persons",
            "at most this many persons are shown per search; when more match, the answer says how many and asks to "
                    + "narrow the search (never silently cut)")
            .range(1, 1000, "a list longer than a screen is a scan, not a search");
    public static final Setting<Integer> COUNT_LIMIT = Setting.positive("juki.search.count-limit", 1000, "persons",
            "a search that matches more than max-results counts its matches exactly up to this many per store; beyond, "
                    + "the answer says 'more than' this many")
            .range(1, 1_000_000, "an exact count of a broad key reads every match: the limit keeps a search fast");
    public static final Setting<String> WORKING_HOURS = Setting.text("juki.search.working-hours", "08:30-18:00",
            "working hours (JST, HH:MM-HH:MM) on weekdays: the search report lists the searches outside them; "
                    + "Saturdays and Sundays are outside all day");

    private SearchSettings() {
    }
}
