"""vivo.delivery"""
