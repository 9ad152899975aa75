package jp.tokyo.juki;

import static com.tngtech.archunit.core.domain.Dependency.Predicates.dependencyTarget;
import static com.tngtech.archunit.core.domain.JavaAccess.Predicates.target;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.core.domain.properties.HasName.Predicates.name;
import static com.tngtech.archunit.core.domain.properties.HasName.Predicates.nameMatching;
import static com.tngtech.archunit.core.domain.properties.HasOwner.Predicates.With.owner;
import static com.tngtech.archunit.lang.conditions.ArchConditions.onlyHaveDependenciesWhere;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The house rules of DESIGN §2, checked on the compiled main classes (tests may reach anywhere):
 * which package of ours may use which. The picture and the reasons are in
 * {@code docs/architecture.md}. ArchUnit reads byte code, so an import that no code uses (one
 * kept only for a Javadoc link or a comment) is not seen; javac drops it too.
 */
class ArchitectureTest {

    /** Our main classes, read once; the test tree is left out. */
    private static final JavaClasses GATEWAY = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("jp.tokyo.juki");

    @Test
    void recordUsesNothingOfOurs() {
        usesOfOursOnly("record")
                .because("records, reasons, check digits and item rules are the vocabulary every line, store and "
                        + "simulator shares; they must stand alone (DESIGN §2)")
                .check(GATEWAY);
    }

    @Test
    void wireUsesOnlyRecordOfOurs() {
        usesOfOursOnly("wire", "record")
                .because("the wire contract is what a peer implements; the simulators use it as the peers would, so it "
                        + "may know the records it carries (the reply code of each class of item rule) and nothing of "
                        + "the gateway (DESIGN §2)")
                .check(GATEWAY);
    }

    @Test
    void securityUsesOnlyRecordAndWireOfOurs() {
        usesOfOursOnly("security", "record", "wire")
                .because("the simulators load their keys through security; if it reached into the gateway, the "
                        + "simulators would reach in through it")
                .check(GATEWAY);
    }

    @Test
    void platformUsesNothingOfOurs() {
        usesOfOursOnly("platform")
                .because("platform is the runtime only (database, broker, configuration): every capability may stand "
                        + "on it, so it may not lean on any of them (DESIGN §2)")
                .check(GATEWAY);
    }

    @Test
    void honninDoesNotUseFuhyo() {
        noClasses().that().resideInAPackage(pkg("honnin"))
                .should().dependOnClassesThat().resideInAPackage(pkg("fuhyo"))
                .because("the honnin and fuhyo stores are separate schemas with separate roles; the only path between "
                        + "them is the R-LINK bridge (DESIGN §2, §4 Separation)")
                .check(GATEWAY);
    }

    @Test
    void fuhyoDoesNotUseHonnin() {
        noClasses().that().resideInAPackage(pkg("fuhyo"))
                .should().dependOnClassesThat().resideInAPackage(pkg("honnin"))
                .because("the fuhyo store holds no My Number and never sees the honnin store; the only path between "
                        + "them is the R-LINK bridge (DESIGN §2, §4 Separation)")
                .check(GATEWAY);
    }

    @Test
    void linkUsesNeitherStorePackage() {
        noClasses().that().resideInAPackage(pkg("link"))
                .should().dependOnClassesThat().resideInAnyPackage(pkg("honnin"), pkg("fuhyo"))
                .because("R-LINK reads the honnin store through its own database role and only the columns the decision "
                        + "needs, not through either store's code (link/package-info)")
                .check(GATEWAY);
    }

    @Test
    void storeUsesNeitherHonninNorFuhyo() {
        noClasses().that().resideInAPackage(pkg("store"))
                .should().dependOnClassesThat().resideInAnyPackage(pkg("honnin"), pkg("fuhyo"))
                .because("store is the machinery both stores share (update transaction, group commit, outbox, person "
                        + "tables); each store plugs into it, never the other way (DESIGN §2)")
                .check(GATEWAY);
    }

    @Test
    void onlyTheCompositionRootUsesTheCsLine() {
        noClasses()
                .that().resideOutsideOfPackages(pkg("cs"), pkg("assembly"))
                .should().dependOnClassesThat().resideInAPackage(pkg("cs"))
                .because("the flows behind the CS line (honnin, fuhyo, consistency) are reached by content-based "
                        + "routing in routes/cs-listener.camel.yaml, not by code: what they share with the line lives "
                        + "in wire or record")
                .check(GATEWAY);
    }

    @Test
    void onlyTheCompositionRootUsesTheOperatorPort() {
        noClasses()
                .that().resideOutsideOfPackages(pkg("api"), pkg("console"), pkg("assembly"), pkg("cli"))
                .should().dependOnClassesThat().resideInAPackage(pkg("api"))
                .because("the operator API is an entry point like the CS line: its beans are bound by assembly and "
                        + "called by the routes of routes/operator-*.camel.yaml; a capability never calls it (issue 12)")
                .check(GATEWAY);
        noClasses().that().resideInAPackage(pkg("cli"))
                .should().dependOnClassesThat(resideInAPackage(pkg("api")).and(DescribedPredicate.not(name(pkg("api")
                        .replace("..", "") + ".ApiSettings"))))
                .because("the CLI is a client of the operator API over HTTPS: it may know the port's settings, not "
                        + "the server's classes (issue 12 point 5)")
                .check(GATEWAY);
    }

    @Test
    void onlyTheCompositionRootUsesTheConsole() {
        noClasses()
                .that().resideOutsideOfPackages(pkg("console"), pkg("assembly"))
                .should().dependOnClassesThat().resideInAPackage(pkg("console"))
                .because("the console's pages are bound by assembly and called by routes/operator-console and "
                        + "console-*.camel.yaml; nothing else renders or calls them")
                .check(GATEWAY);
    }

    @Test
    void theOperatorRegisterIsUsedOnlyByTheOperatorPortAndItsCommands() {
        noClasses()
                .that().resideOutsideOfPackages(pkg("operator"), pkg("api"), pkg("console"), pkg("assembly"), pkg("cli"))
                .should().dependOnClassesThat().resideInAPackage(pkg("operator"))
                .because("who an operator is and what each role may do is decided at the operator port's gate; a "
                        + "capability is handed the authenticated operator's ID, never the register (issue 12)")
                .check(GATEWAY);
    }

    @Test
    void theOperatorRegisterUsesNoStoreAndNoLine() {
        noClasses().that().resideInAPackage(pkg("operator"))
                .should().dependOnClassesThat().resideInAnyPackage(pkg("honnin"), pkg("fuhyo"), pkg("link"), pkg("store"),
                        pkg("cs"), pkg("national"), pkg("agency"), pkg("consistency"), pkg("deadletter"))
                .because("the register holds operators, not residents: it never sees personal data (its own schema and "
                        + "login, juki_operator)")
                .check(GATEWAY);
    }

    @Test
    void formsPrintOnlyWhatTheyAreGiven() {
        usesOfOursOnly("forms")
                .because("a form printer is handed plain data (forms.DisclosureForm) and turns it into pages: it reads "
                        + "no store, audit or setting, so what a form shows is decided by the capability that fills it "
                        + "(issue 13)")
                .check(GATEWAY);
    }

    @Test
    void thePeopleFacingCapabilitiesAreReachedOnlyThroughTheOperatorPort() {
        noClasses()
                .that().resideOutsideOfPackages(pkg("search"), pkg("disclosure"), pkg("stats"), pkg("retention"),
                        pkg("api"), pkg("console"), pkg("assembly"), pkg("harness"))
                .should().dependOnClassesThat().resideInAnyPackage(pkg("search"), pkg("disclosure"), pkg("stats"),
                        pkg("retention"))
                .because("search, disclosure, statistics and retention act on personal data for an authenticated "
                        + "operator (or on a timer bound by assembly): every call comes through the operator port's "
                        + "gate, never from another capability or a line (issue 13)")
                .check(GATEWAY);
    }

    @Test
    void statisticsAreCountsOnly() {
        noClasses().that().resideInAPackage(pkg("stats"))
                .should().dependOnClassesThat().resideInAnyPackage(pkg("honnin"), pkg("fuhyo"), pkg("link"), pkg("agency"),
                        pkg("search"), pkg("disclosure"), pkg("cs"), pkg("national"))
                .because("a statistics report holds counts, never a person: the package reads counted columns on its own "
                        + "login (juki_stats) and knows no capability that handles a person's items (issue 13)")
                .check(GATEWAY);
    }

    @Test
    void backupIsReachedOnlyByItsCommands() {
        noClasses()
                .that().resideOutsideOfPackages(pkg("backup"), pkg("cli"))
                .should().dependOnClassesThat().resideInAPackage(pkg("backup"))
                .because("a backup copies every person's data: it runs only from ./gateway backup and restore, on the "
                        + "host, after an administrator's two factors are checked (issue 14); no route, timer or API reaches it")
                .check(GATEWAY);
    }

    @Test
    void backupCopiesFilesAndReadsNoRecord() {
        noClasses().that().resideInAPackage(pkg("backup"))
                .should().dependOnClassesThat().resideInAnyPackage(pkg("honnin"), pkg("fuhyo"), pkg("link"), pkg("store"),
                        pkg("agency"), pkg("search"), pkg("disclosure"), pkg("cs"), pkg("national"), pkg("consistency"),
                        pkg("deadletter"), pkg("stats"), pkg("retention"), pkg("record"))
                .because("a backup is the data and key directories as files, signed and encrypted whole: it never reads "
                        + "or rewrites a record, so what is restored is exactly what was stopped (issue 14)")
                .check(GATEWAY);
    }

    @Test
    void simSpeaksOnlyTheProtocol() {
        classes().that().resideInAPackage(pkg("sim"))
                .should(onlyHaveDependenciesWhere(dependencyTarget(notOurs().or(inOurPackages("sim", "wire", "record",
                        "security")))))
                .because("a simulator that reaches inside the gateway proves nothing: it may use only wire, record and "
                        + "security (to load its keys) (DESIGN §2)")
                .check(GATEWAY);
    }

    @Test
    void onlyCommandsAndHarnessUseTheSimulators() {
        noClasses()
                .that().resideOutsideOfPackages(pkg("sim"), pkg("cli"), pkg("harness"), pkg("warmup"))
                .should().dependOnClassesThat().resideInAPackage(pkg("sim"))
                .because("the gateway serves real peers; the simulators are started by './gateway sim', by the "
                        + "harness (bench, soak, demo) and by the warm-up, whose throwaway gateway has no other peer "
                        + "(decisions §30)")
                .check(GATEWAY);
    }

    @Test
    void cliHoldsNoSql() {
        noClasses().that().resideInAPackage(pkg("cli"))
                .should().dependOnClassesThat().haveNameMatching(
                        "java\\.sql\\.(Statement|PreparedStatement|CallableStatement|ResultSet)")
                .orShould().callMethodWhere(target(owner(name("java.sql.Connection")))
                        .and(target(nameMatching("createStatement|prepareStatement|prepareCall|nativeSQL"))))
                .because("cli holds picocli commands only: a command may open a connection to the running gateway and "
                        + "hand it to a capability, but the SQL and what it means live in that capability (DESIGN §2)")
                .check(GATEWAY);
    }

    @Test
    void onlyCommandsAndHarnessUseTheCompositionRoot() {
        noClasses()
                .that().resideOutsideOfPackages(pkg("assembly"), pkg("cli"), pkg("harness"), pkg("warmup"))
                .should().dependOnClassesThat().resideInAPackage(pkg("assembly"))
                .because("assembly is the one place that assembles the gateway; the capabilities it binds must not know "
                        + "how they are bound (DESIGN §2)")
                .check(GATEWAY);
    }

    @Test
    void onlyCommandsUseTheHarness() {
        noClasses()
                .that().resideOutsideOfPackages(pkg("harness"), pkg("cli"))
                .should().dependOnClassesThat().resideInAPackage(pkg("harness"))
                .because("the development harness (bench, soak, demo) is reached from the command line only; nothing "
                        + "the gateway runs in production may need it (DESIGN §2)")
                .check(GATEWAY);
    }

    @Test
    void onlyRunUsesTheWarmUp() {
        noClasses()
                .that().resideOutsideOfPackages(pkg("warmup"), pkg("cli"), pkg("harness"))
                .should().dependOnClassesThat().resideInAPackage(pkg("warmup"))
                .because("the warm-up runs before the real gateway starts, from './gateway run' (and the bench warms "
                        + "its simulators with it): no capability and not the composition root may reach the throwaway "
                        + "gateway (decisions §30)")
                .check(GATEWAY);
        usesOfOursOnly("warmup", "assembly", "sim", "security", "platform", "record").check(GATEWAY);
    }

    @Test
    void onlyTheHarnessUsesCommands() {
        noClasses()
                .that().resideOutsideOfPackages(pkg("cli"), pkg("harness"))
                .should().dependOnClassesThat().resideInAPackage(pkg("cli"))
                .because("commands are the operator's entry points; the gateway and its composition root never call "
                        + "them (the harness may, as an operator would)")
                .check(GATEWAY);
    }

    /*
     * The one allowed pair of arrows in both directions: cli registers the harness commands (bench, demo)
     * and its 'sim cs' prints with the harness's reports, and the harness drives operator commands as an
     * operator would (the demo's approvals and queries) and starts cli.GatewayCli in a child process
     * (GatewayProcess). The harness → cli arrow is the one left out of the cycle check; every other
     * cycle between our top-level packages fails it.
     */
    @Test
    void topLevelPackagesAreFreeOfCycles() {
        slices().matching("jp.tokyo.juki.(*)..")
                .should().beFreeOfCycles()
                .ignoreDependency(resideInAPackage(pkg("harness")), resideInAPackage(pkg("cli")))
                .because("a cycle makes two packages one: neither can be read, tested or changed alone")
                .check(GATEWAY);
    }

    /** The classes of {@code name} may use, of ours, only their own package and {@code allowed}. */
    private static ArchRule usesOfOursOnly(String name, String... allowed) {
        String[] own = Stream.concat(Stream.of(name), Arrays.stream(allowed)).toArray(String[]::new);
        return classes().that().resideInAPackage(pkg(name))
                .should().onlyDependOnClassesThat(notOurs().or(inOurPackages(own)));
    }

    private static DescribedPredicate<JavaClass> notOurs() {
        return resideOutsideOfPackage("jp.tokyo.juki..");
    }

    private static DescribedPredicate<JavaClass> inOurPackages(String... names) {
        return resideInAnyPackage(Arrays.stream(names).map(ArchitectureTest::pkg).toArray(String[]::new));
    }

    private static String pkg(String name) {
        return "jp.tokyo.juki." + name + "..";
    }
}
