package dev.tributary.deploy;

import dev.tributary.testing.Environment;

/** The built WAR on Open Liberty 25 with the servlet feature only. */
class LibertyIT extends ConformanceSuite {

  @Override
  protected AppServer startServer(Environment env) throws Exception {
    return LibertyServer.start("liberty", env);
  }
}
