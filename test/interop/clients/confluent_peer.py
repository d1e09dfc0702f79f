"""confluent-kafka (librdkafka 2.x in its wheel) driven by the interop suite.

Usage: confluent_peer.py <command> '<json arguments>'. Each command prints JSON: one object per
record for reads and group members, a single object otherwise. Errors go to stderr, exit 1.
"""
import importlib.metadata
import json
import signal
import sys
import time

import confluent_kafka
from confluent_kafka import Consumer, KafkaException, OFFSET_BEGINNING, OFFSET_END, Producer, TopicPartition
from confluent_kafka import ConsumerGroupTopicPartitions
from confluent_kafka.admin import AdminClient, AlterConfigOpType, ConfigEntry, ConfigResource, NewPartitions, NewTopic


def text(raw):
    return None if raw is None else raw.decode("utf-8")


def record_json(msg):
    return {
        "partition": msg.partition(),
        "offset": msg.offset(),
        "timestamp": msg.timestamp()[1],
        "key": text(msg.key()),
        "value": text(msg.value()),
        "headers": [[k, text(v)] for k, v in (msg.headers() or [])],
    }


def emit(obj):
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def version(args):
    emit({"client": importlib.metadata.version("confluent-kafka"), "librdkafka": confluent_kafka.libversion()[0]})


# The AdminClient must outlive its futures: a temporary one is destroyed before they resolve.
CLIENTS = []


def admin(args):
    client = AdminClient({"bootstrap.servers": args["bootstrap"]})
    CLIENTS.append(client)
    return client


def list_topics(args):
    emit({"topics": list(admin(args).list_topics(timeout=10).topics.keys())})


def create_topic(args):
    topic = NewTopic(args["topic"], num_partitions=args["partitions"], replication_factor=1, config=args["configs"])
    admin(args).create_topics([topic], request_timeout=15)[args["topic"]].result(timeout=20)
    emit({"created": args["topic"]})


def describe_topic(args):
    client = admin(args)
    metadata = client.list_topics(topic=args["topic"], timeout=10).topics[args["topic"]]
    if metadata.error is not None:
        raise KafkaException(metadata.error)
    resource = ConfigResource("topic", args["topic"])
    entries = client.describe_configs([resource], request_timeout=15)[resource].result(timeout=20)
    emit({"partitions": len(metadata.partitions), "configs": {name: e.value for name, e in entries.items()}})


def delete_topic(args):
    admin(args).delete_topics([args["topic"]], operation_timeout=10)[args["topic"]].result(timeout=20)
    emit({"deleted": args["topic"]})


def create_partitions(args):
    admin(args).create_partitions([NewPartitions(args["topic"], args["total"])], request_timeout=15)[args["topic"]].result(timeout=20)
    emit({"partitions": args["total"]})


def alter_topic_config(args):
    entry = ConfigEntry(args["name"], args["value"], incremental_operation=AlterConfigOpType.SET)
    resource = ConfigResource("topic", args["topic"], incremental_configs=[entry])
    admin(args).incremental_alter_configs([resource], request_timeout=15)[resource].result(timeout=20)
    emit({"altered": args["name"]})


def delete_records(args):
    futures = admin(args).delete_records([TopicPartition(args["topic"], 0, args["offset"])], request_timeout=15)
    for future in futures.values():
        future.result(timeout=20)
    emit({"deleted_before": args["offset"]})


def list_groups(args):
    listed = admin(args).list_consumer_groups(request_timeout=15).result(timeout=20)
    emit({"groups": [g.group_id for g in listed.valid]})


def committed_offsets(args):
    request = [ConsumerGroupTopicPartitions(args["group"], [TopicPartition(args["topic"], p) for p in range(args.get("partitions", 1))])]
    futures = admin(args).list_consumer_group_offsets(request, request_timeout=15)
    result = futures[args["group"]].result(timeout=20)
    emit({"offsets": {tp.partition: tp.offset for tp in result.topic_partitions if tp.topic == args["topic"]}})


def produce(args):
    failures = []
    producer = Producer({
        "bootstrap.servers": args["bootstrap"],
        "acks": str(args["acks"]),
        "compression.type": args["compression"],
        "enable.idempotence": args["idempotent"],
        "linger.ms": 5,
    })

    def delivered(err, msg):
        if err is not None:
            failures.append(str(err))

    for record in args["records"]:
        producer.produce(
            args["topic"],
            partition=0,
            key=None if record["key"] is None else record["key"].encode("utf-8"),
            value=None if record["value"] is None else record["value"].encode("utf-8"),
            headers=[(k, v.encode("utf-8")) for k, v in record["headers"]],
            timestamp=record.get("timestamp") or 0,
            on_delivery=delivered,
        )
    left = producer.flush(30)
    if left or failures:
        raise RuntimeError(f"{left} records undelivered, failures: {failures[:3]}")
    emit({"produced": len(args["records"])})


def produce_transactions(args):
    producer = Producer({"bootstrap.servers": args["bootstrap"], "transactional.id": args["transactionalId"]})
    producer.init_transactions(30)
    for transaction in args["transactions"]:
        producer.begin_transaction()
        for value in transaction["values"]:
            producer.produce(args["topic"], partition=0, value=value.encode("utf-8"))
        if transaction["commit"]:
            producer.commit_transaction(30)
        else:
            producer.flush(30)
            producer.abort_transaction(30)
    emit({"transactions": len(args["transactions"])})


def start_offset(consumer, args):
    start = args["from"]
    if start == "earliest":
        return OFFSET_BEGINNING
    if start == "latest":
        return OFFSET_END
    if "offset" in start:
        return start["offset"]
    found = consumer.offsets_for_times([TopicPartition(args["topic"], args["partition"], start["timestamp"])], timeout=10)
    return found[0].offset


def read(args):
    consumer = Consumer({
        "bootstrap.servers": args["bootstrap"],
        "group.id": "interop-confluent-reader",
        "enable.auto.commit": False,
        "enable.partition.eof": False,
    })
    consumer.assign([TopicPartition(args["topic"], args["partition"], start_offset(consumer, args))])
    deadline = time.monotonic() + args["timeoutMs"] / 1000
    seen = 0
    while seen < args["count"] and time.monotonic() < deadline:
        msg = consumer.poll(0.2)
        if msg is None:
            continue
        if msg.error() is not None:
            raise KafkaException(msg.error())
        emit(record_json(msg))
        seen += 1
    consumer.close()


def member(args):
    """A group member until SIGTERM: close() then commits and leaves the group."""
    running = [True]
    signal.signal(signal.SIGTERM, lambda *_: running.__setitem__(0, False))
    consumer = Consumer({
        "bootstrap.servers": args["bootstrap"],
        "group.id": args["group"],
        "auto.offset.reset": "earliest",
        "session.timeout.ms": 10000,
        "heartbeat.interval.ms": 500,
    })
    consumer.subscribe([args["topic"]])
    while running[0]:
        msg = consumer.poll(0.2)
        if msg is None:
            continue
        if msg.error() is not None:
            sys.stderr.write(f"{msg.error()}\n")
            continue
        emit(record_json(msg))
    consumer.close()


COMMANDS = {f.__name__: f for f in [
    version, list_topics, create_topic, describe_topic, delete_topic, create_partitions, alter_topic_config,
    delete_records, list_groups, committed_offsets, produce, produce_transactions, read, member,
]}

if __name__ == "__main__":
    try:
        COMMANDS[sys.argv[1]](json.loads(sys.argv[2]) if len(sys.argv) > 2 else {})
    except Exception as error:  # reported to the suite, which shows it in the matrix
        sys.stderr.write(f"{type(error).__name__}: {error}\n")
        sys.exit(1)
