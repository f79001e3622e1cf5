# source: https://github.com/nextcloud/context_chat_backend/issues/319
# models: the backend's setup_logging() (root level INFO, a named formatter) runs only under the main guard; the embedding workers in a ProcessPoolExecutor log through module-level loggers and report the level they log at
# expect: misbehaves-spawn: spawned (and forkserver) workers re-import the module without running setup_logging(), so they log at the default WARNING level and their INFO records are dropped
import logging
from concurrent.futures import ProcessPoolExecutor

logger = logging.getLogger("ccb.injest")


def setup_logging():
    root = logging.getLogger()
    root.setLevel(logging.INFO)
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
    root.addHandler(handler)


def embed_document(doc_id):
    logger.info("embedding %s", doc_id)
    return doc_id, logger.isEnabledFor(logging.INFO)


def main():
    with ProcessPoolExecutor(max_workers=2) as executor:
        for doc_id, info_enabled in executor.map(embed_document, ["doc-1", "doc-2", "doc-3"]):
            print(doc_id, "info logging enabled:", info_enabled)


if __name__ == '__main__':
    setup_logging()
    main()
