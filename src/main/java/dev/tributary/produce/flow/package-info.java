/**
 * The endpoint's two concurrency helpers: {@link dev.tributary.produce.flow.DrainLoop}, one thread in a
 * piece of work at a time without a lock, and {@link dev.tributary.produce.flow.SerialExecutor}, tasks in
 * order on a shared pool. They know nothing of the proxy.
 */
package dev.tributary.produce.flow;
