package dev.tributary.deploy;

import dev.tributary.testing.Environment;

/** The built WAR on Payara Server 6 (it ships Jersey and JSON-B). */
class PayaraIT extends ConformanceSuite {

  @Override
  protected AppServer startServer(Environment env) throws Exception {
    return PayaraServer.start("payara", env);
  }
}
