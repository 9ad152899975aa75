package jp.tokyo.juki.disclosure;

/**
 * The names a form prints for an agency and its business (config/agencies.yaml), found by the
 * codes a provision record keeps; the code itself when the configuration no longer knows it.
 */
public interface AgencyNames {
    /** The agency's name, e.g. 水道局 for {@code suido}. */
    String agency(String agencyId);

    /** The business's name, e.g. 水道料金の徴収に関する事務 for {@code SUIDO-FEE}. */
    String business(String agencyId, String business);

    /** Codes as names: for a gateway without agencies, and for tests. */
    AgencyNames CODES = new AgencyNames() {
        @Override
        public String agency(String agencyId) {
            return agencyId;
        }

        @Override
        public String business(String agencyId, String business) {
            return business;
        }
    };
}
