package nps.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.List;

import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;

import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.backend.CursorRegistry;
import de.bwaldvogel.mongo.backend.EmptyIndex;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.backend.h2.H2Database;
import de.bwaldvogel.mongo.backend.h2.StoredUniqueIndex;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.wire.message.MongoMessage;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.MongoVersion;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;

/**
 * Starts mongo-java-server on 127.0.0.1 and prints one line "LISTENING port" when it accepts connections.
 *
 * Usage: Launcher [--port N] [--file path/to/db.mv]   (no --file: in-memory backend)
 *
 * The server stops when its standard input closes, so it never outlives the Node process that started it,
 * even when that process is killed with SIGKILL.
 */
public final class Launcher {

    /**
     * The Node.js driver 7 refuses servers below MongoDB 4.4 (wire version 9); mongo-java-server reports
     * wire version 8 by default. It speaks OP_MSG and the commands the driver sends, so it announces 5.0.
     */
    private static final MongoVersion VERSION = new MongoVersion() {
        @Override
        public List<Integer> getVersionArray() {
            return List.of(5, 0, 0);
        }

        @Override
        public int getWireVersion() {
            return 13;
        }
    };

    /** The store of the database being opened (its constructor opens the indexes before our fields are set). */
    private static final ThreadLocal<MVStore> OPENING = new ThreadLocal<>();

    private Launcher() {
    }

    /**
     * The H2 file backend, but every command's changes are committed to the file before its reply is
     * sent. H2's MVStore otherwise commits in the background about once a second, so a write the
     * driver saw acknowledged could be lost when this process is killed - and a lost send claim means
     * an email sent twice. After commit() the data is in the operating system's file cache: it survives
     * this process being killed (kill -9 included); it does not claim to survive a power cut. The
     * driver speaks OP_MSG only (wire version 13), which all arrives through handleMessage.
     */
    static final class DurableH2Backend extends H2Backend {
        DurableH2Backend(String file) {
            super(file);
        }

        @Override
        public Document handleMessage(MongoMessage message) {
            Document reply = super.handleMessage(message);
            commitIfChanged();
            return reply;
        }

        private void commitIfChanged() {
            if (getMvStore().hasUnsavedChanges()) {
                commit();
            }
        }

        @Override
        protected MongoDatabase openOrCreateDatabase(String databaseName) {
            OPENING.set(getMvStore());
            try {
                return new QuickOpenH2Database(databaseName, getMvStore(), getCursorRegistry());
            } finally {
                OPENING.remove();
            }
        }
    }

    /**
     * mongo-java-server keeps no secondary (non-unique) indexes: it stands an empty placeholder in for
     * each. But when it opens a stored database it "builds" every placeholder by reading every document
     * of the collection twice, doing nothing with them - on a demo-size data folder (about ten
     * placeholders over 160,000 documents) most of half a minute before the first reply. A placeholder
     * that says it is not empty is skipped; queries behave exactly as before (they never used it). A
     * unique index already stored in the file is complete and opened as it is (StoredUniqueIndex); a
     * new one is built from the documents as before.
     */
    static final class QuickOpenH2Database extends H2Database {
        private final MVStore store;

        QuickOpenH2Database(String databaseName, MVStore mvStore, CursorRegistry cursorRegistry) {
            super(databaseName, mvStore, cursorRegistry);
            this.store = mvStore;
        }

        @Override
        protected Index<Object> openOrCreateUniqueIndex(String collectionName, String indexName, List<IndexKey> keys,
                boolean sparse) {
            // Called from the constructor too, before `store` is set: the map name is H2Database's.
            MVStore mvStore = store != null ? store : OPENING.get();
            String mapName = getFullCollectionNamespace(collectionName) + "._index_" + indexName;
            if (!mvStore.hasMap(mapName)) {
                return super.openOrCreateUniqueIndex(collectionName, indexName, keys, sparse);
            }
            MVMap<KeyValue, Object> map = mvStore.openMap(mapName);
            return new StoredUniqueIndex(map, indexName, keys, sparse);
        }

        @Override
        protected Index<Object> openOrCreateSecondaryIndex(String collectionName, String indexName, List<IndexKey> keys,
                boolean sparse) {
            return new EmptyIndex<>(indexName, keys) {
                @Override
                public boolean isEmpty() {
                    return false;
                }
            };
        }
    }

    public static void main(String[] args) throws IOException {
        int port = 0;
        String file = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(args[++i]);
                case "--file" -> file = args[++i];
                default -> {
                    System.err.println("unknown argument: " + args[i]);
                    System.exit(2);
                }
            }
        }

        MongoBackend backend = file == null ? new MemoryBackend() : new DurableH2Backend(file);
        backend.version(VERSION);
        MongoServer server = new MongoServer(backend);
        server.bind(new InetSocketAddress("127.0.0.1", port));

        Runtime.getRuntime().addShutdownHook(new Thread(server::shutdownNow));
        System.out.println("LISTENING " + server.getLocalAddress().getPort());
        System.out.flush();

        InputStream in = System.in;
        byte[] buffer = new byte[256];
        while (in.read(buffer) >= 0) {
            // Ignore input; we only wait for end-of-file.
        }
        server.shutdownNow();
        System.exit(0);
    }
}
