/**
 * One stream's reports, written in request order as they complete: {@link
 * dev.tributary.produce.reports.ReportWriter} is the response's write listener; it holds decided reports
 * as a few numbers each ({@code HeldReports}), encodes them a batch at a time ({@code ReportEncoder}),
 * and uses the output only through {@link dev.tributary.produce.reports.ResponseOutput}, which the
 * exchange guards against its end.
 *
 * <p>Uses {@code record} (what a report says) and {@code flow}; it never reads the body.
 */
package dev.tributary.produce.reports;
