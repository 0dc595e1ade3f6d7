"""vivo.web"""
