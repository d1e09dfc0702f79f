/** Types for kafka-jars.mjs (plain JavaScript so bench/ can run it under Node as is). */
export declare const KAFKA_JAVA_VERSION: string
export declare function ensureKafkaJars(cacheDir: string): Promise<string>
