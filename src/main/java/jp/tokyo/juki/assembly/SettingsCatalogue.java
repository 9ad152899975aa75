package jp.tokyo.juki.assembly;

import java.util.List;
import jp.tokyo.juki.agency.AgencySettings;
import jp.tokyo.juki.api.ApiSettings;
import jp.tokyo.juki.agency.SftpSettings;
import jp.tokyo.juki.audit.AuditSettings;
import jp.tokyo.juki.consistency.Settings;
import jp.tokyo.juki.cs.CsLineSettings;
import jp.tokyo.juki.deadletter.DeadLetterSettings;
import jp.tokyo.juki.link.LinkSettings;
import jp.tokyo.juki.national.NationalSettings;
import jp.tokyo.juki.observe.ObserveSettings;
import jp.tokyo.juki.operator.OperatorSettings;
import jp.tokyo.juki.platform.BrokerSettings;
import jp.tokyo.juki.platform.ClusterSettings;
import jp.tokyo.juki.platform.ConfigKeys;
import jp.tokyo.juki.platform.DatabaseSettings;
import jp.tokyo.juki.platform.FileSettings;
import jp.tokyo.juki.platform.LeaseSettings;
import jp.tokyo.juki.platform.Setting;
import jp.tokyo.juki.platform.ThreadPriorities;
import jp.tokyo.juki.platform.WarmUpSettings;
import jp.tokyo.juki.search.SearchSettings;
import jp.tokyo.juki.retention.RetentionSettings;
import jp.tokyo.juki.stats.StatisticsSettings;
import jp.tokyo.juki.store.StoreSettings;

/**
 * The settings records of every capability: each declares its keys once ({@link Setting} fields),
 * and the gateway's known keys ({@link ConfigKeys}, what {@code config check} checks) are theirs.
 * A new capability with settings adds its record here.
 */
public final class SettingsCatalogue {
    /** The classes whose {@code public static final Setting} fields are the gateway's keys. */
    public static final List<Class<?>> RECORDS = List.of(FileSettings.class, DatabaseSettings.class, BrokerSettings.class, ClusterSettings.class,
            CsLineSettings.class, NationalSettings.class, StoreSettings.class, Settings.class, AgencySettings.class,
            SftpSettings.class, LinkSettings.class, AuditSettings.class, ObserveSettings.class, DeadLetterSettings.class,
            ApiSettings.class, OperatorSettings.class,
            SearchSettings.class,
            RetentionSettings.class,
            StatisticsSettings.class,
            LeaseSettings.class,
            WarmUpSettings.class,
            ThreadPriorities.class);

    private SettingsCatalogue() {
    }

    /** The gateway's known keys. */
    public static ConfigKeys keys() {
        return new ConfigKeys(Setting.declaredIn(RECORDS.toArray(Class<?>[]::new)));
    }
}
