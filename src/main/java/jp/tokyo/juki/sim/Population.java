package jp.tokyo.juki.sim;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import jp.tokyo.juki.record.Address;
import jp.tokyo.juki.record.CheckDigits;
import jp.tokyo.juki.record.FuhyoRecord;
import jp.tokyo.juki.record.HonninRecord;
import jp.tokyo.juki.record.Name;
import jp.tokyo.juki.record.RecordJson;

/**
 * The residents one CS connection looks after, and the changes that happen to them in the
 * order life imposes: a person is born or moves in before they move within the municipality,
 * change name, move out or die; after a move-out or death nothing more is sent for them.
 */
final class Population {
    private static final String DIGITS = "０１２３４５６７８９";

    /** One simulated resident. */
    static final class Person {
        String code;
        String myNumber;
        String surname;
        String surnameKana;
        String given;
        String givenKana;
        String birthDate;
        String sex;
        String address;
        String aza;
        /** fuhyo: the municipality of the address (anywhere), the last address in Japan, abroad or not */
        String addressMunicipality;
        String lastAddress;
        boolean abroad;
    }

    /** One change to send. */
    record Change(Person person, String reason, ObjectNode record) {
    }

    private final String municipality;
    private final String municipalityName;
    private final Random random;
    private final List<Person> residents = new ArrayList<>();

    Population(String municipality, String municipalityName, long seed) {
        this.municipality = municipality;
        this.municipalityName = municipalityName;
        this.random = new Random(seed);
    }

    /** The next change: mostly new residents while there are few, a realistic mix after. */
    Change next() {
        int roll = random.nextInt(100);
        if (residents.size() < 20 || roll < 40) {
            Person p = newPerson(roll % 3 == 0);
            residents.add(p);
            String reason = roll % 3 == 0 ? "BIRTH" : (roll % 7 == 0 ? "MOVE_IN_FROM_ABROAD" : "MOVE_IN");
            return new Change(p, reason, record(p));
        }
        Person p = residents.get(random.nextInt(residents.size()));
        if (roll < 65) {
            p.address = address();
            p.aza = aza();
            return new Change(p, "MOVE_WITHIN", record(p));
        }
        if (roll < 80) {
            String[] s = Names.SURNAMES[random.nextInt(Names.SURNAMES.length)];
            p.surname = s[0];
            p.surnameKana = s[1];
            return new Change(p, "MINOR_CORRECTION", record(p));
        }
        residents.remove(p);
        String reason = roll < 90 ? "MOVE_OUT" : (roll < 95 ? "DEATH" : "MOVE_OUT_ABROAD");
        return new Change(p, reason, record(p));
    }

    /**
     * The next change to a family-register annex this municipality keeps (附票): entries at
     * birth, moves (which only change the annex's address — abroad too), corrections, and
     * deletions at death or removal from the register.
     */
    Change nextFuhyo() {
        int roll = random.nextInt(100);
        if (residents.size() < 20 || roll < 40) {
            Person p = newPerson(true);
            p.addressMunicipality = municipality;
            p.lastAddress = p.address;
            residents.add(p);
            return new Change(p, "BIRTH", fuhyoRecord(p, "ENTRY"));
        }
        Person p = residents.get(random.nextInt(residents.size()));
        if (roll < 75) {
            String reason;
            if (p.abroad) {
                p.abroad = false;
                p.address = address();
                p.addressMunicipality = municipality;
                reason = "MOVE_IN_FROM_ABROAD";
            } else if (roll < 55) {
                p.address = address();
                reason = "MOVE_WITHIN";
            } else {
                p.abroad = true;
                reason = "MOVE_OUT_ABROAD";
            }
            if (!p.abroad) {
                p.lastAddress = p.address;
            }
            return new Change(p, reason, fuhyoRecord(p, "CHANGE"));
        }
        if (roll < 88) {
            String[] s = Names.SURNAMES[random.nextInt(Names.SURNAMES.length)];
            p.surname = s[0];
            p.surnameKana = s[1];
            return new Change(p, "MINOR_CORRECTION", fuhyoRecord(p, "CHANGE"));
        }
        residents.remove(p);
        return new Change(p, roll < 95 ? "DEATH" : "EX_OFFICIO_DELETION", fuhyoRecord(p, "DELETION"));
    }

    /** The annex record of a person (PROTOCOL §3.2), as the notice of the given kind carries it. */
    ObjectNode fuhyoRecord(Person p, String noticeKind) {
        return RecordJson.fuhyo(new FuhyoRecord(p.code,
                new FuhyoRecord.Name(p.surname + " " + p.given, p.surnameKana + " " + p.givenKana, 0), p.birthDate, p.sex,
                new FuhyoRecord.Address(p.addressMunicipality == null ? municipality : p.addressMunicipality,
                        p.abroad ? "国外" : p.address, 0),
                new FuhyoRecord.LastAddress(p.lastAddress == null ? p.address : p.lastAddress, 0), null, municipality,
                p.abroad ? "1" : "0", "0", null, noticeKind));
    }

    /** A resident that exists (for deliberately wrong messages), or a fresh person if none does. */
    Person anyResident() {
        return residents.isEmpty() ? newPerson(false) : residents.get(0);
    }

    Person newPerson(boolean baby) {
        Person p = new Person();
        p.code = CheckDigits.completeJuminhyoCode(Names.digits(random, 10));
        p.myNumber = CheckDigits.completeMyNumber(Names.digits(random, 11));
        String[] s = Names.SURNAMES[random.nextInt(Names.SURNAMES.length)];
        String[] g = Names.GIVEN[random.nextInt(Names.GIVEN.length)];
        p.surname = s[0];
        p.surnameKana = s[1];
        p.given = g[0];
        p.givenKana = g[1];
        LocalDate birth = baby ? LocalDate.now().minusDays(1 + random.nextInt(20))
                : LocalDate.of(1930 + random.nextInt(90), 1 + random.nextInt(12), 1 + random.nextInt(28));
        p.birthDate = birth.toString();
        p.sex = random.nextBoolean() ? "1" : "2";
        p.address = address();
        p.aza = aza();
        return p;
    }

    ObjectNode record(Person p) {
        return RecordJson.honnin(new HonninRecord(p.code,
                new Name(p.surname + " " + p.given, p.surnameKana + " " + p.givenKana, 0, 0), p.birthDate, p.sex,
                new Address(p.address, 0, 0, municipality, p.aza), p.myNumber, "0", "0", null));
    }

    private String address() {
        return "東京都" + municipalityName + Names.TOWNS[random.nextInt(Names.TOWNS.length)] + Names.wide(1 + random.nextInt(5)) + "丁目"
                + Names.wide(1 + random.nextInt(30)) + "番" + Names.wide(1 + random.nextInt(20)) + "号";
    }

    private String aza() {
        return String.format("%06d", random.nextInt(1_000_000));
    }


}
