package dev.tributary.deploy;

/** Tomcat 10.1 (Jakarta EE 10). */
class Tomcat10IT extends TomcatDeployment {
  Tomcat10IT() throws Exception {
    super("tomcat10.home", "tomcat-10");
  }
}
