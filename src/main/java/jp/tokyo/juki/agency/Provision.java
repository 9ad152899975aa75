package jp.tokyo.juki.agency;

import java.util.List;

/**
 * One provision/transfer record (提供・移転の記録, SPEC R-AUD-MSG, Ⅲ-5 リスク1): for one request
 * row, who asked (agency and kind), for which business under which legal basis, about whom (the
 * keyed hash of the 住民票コード found or asked by, or none), which items were given (column names)
 * and the row's outcome — refusals included. No value of any item.
 */
public record Provision(long line, String agency, Agency.Kind kind, String business, String legalBasis, String rowRef,
                        String keyType, String person, List<String> items, String outcome, String reason) {
}
