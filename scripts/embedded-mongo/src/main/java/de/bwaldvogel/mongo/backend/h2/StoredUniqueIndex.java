package de.bwaldvogel.mongo.backend.h2;

import java.util.List;

import org.h2.mvstore.MVMap;

import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.KeyValue;

/**
 * A unique index whose map was already in the H2 file when the database opened: it is complete (every
 * write kept it up to date), so it says it is not empty and mongo-java-server does not rebuild it by
 * reading the whole collection twice - which it otherwise does for an index with no entries, such as
 * a sparse unique index no document has a value for yet. In H2UniqueIndex's package only because its
 * constructor is package-private (nps.embedded.Launcher uses it).
 */
public final class StoredUniqueIndex extends H2UniqueIndex {
    public StoredUniqueIndex(MVMap<KeyValue, Object> mvMap, String name, List<IndexKey> keys, boolean sparse) {
        super(mvMap, name, keys, sparse);
    }

    @Override
    public boolean isEmpty() {
        return false;
    }
}
